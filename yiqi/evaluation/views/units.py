"""Pages for those evaluated and those who score: the overview by role, one unit's sheet (figures and the records
behind them, self-evaluation, contests, result), the expert's scoring form, and the public results."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.pdf import pdf_response
from yiqi.core.storage import private_file_response
from yiqi.core.uploads import CONTENT_TYPES, extension_of
from yiqi.experts import services as experts
from yiqi.experts.models import Expert
from yiqi.fees.views import add_errors

from ..forms import AnswerForm, AssignForm, ContestForm, OnsiteForm, ScoreForm, SelfEvaluationForm
from ..models import Round, UnitEvaluation
from ..services import charts, figures, instruments, presenters, rounds
from ..services.schemes import is_authority
from . import EvaluationView

ROWS_PER_PAGE = 50


class HomeView(EvaluationView):
    def get(self, request):
        access = self.access
        if not presenters.takes_part(access):
            raise PermissionDenied(_("评价考核页面供平台管理机构、参评单位、主管部门和评议专家使用。"))
        own = (
            rounds.visible_evaluations(access)
            .filter(presenters.own_units(access))
            .order_by("-round__period_end", "unit__name")
        )
        return render(
            request,
            "evaluation/home.html",
            {
                "is_authority": is_authority(access),
                "rounds": Round.objects.select_related("scheme") if is_authority(access) else [],
                "own": own,
                "assigned": presenters.expert_work(access) if access.is_expert else [],
                "sees_instruments": instruments.may_see(access),
            },
        )


class UnitAccess(EvaluationView):
    """Pages of one unit in one round, for whoever may see its sheet."""

    def evaluation(self, pk) -> UnitEvaluation:
        evaluation = get_object_or_404(
            rounds.visible_evaluations(self.access).select_related("round__scheme"), pk=pk
        )
        if not presenters.sees_detail(self.access, evaluation):
            raise PermissionDenied(_("只有本单位、主管部门、平台管理机构和指派的专家可以查看此页。"))
        return evaluation


class UnitView(UnitAccess):
    def get(self, request, pk):
        evaluation = self.evaluation(pk)
        context = presenters.unit_sheet(evaluation, self.access)
        context["contest_form"] = ContestForm()
        if context["shows_result"]:
            context["charts"] = charts.unit_charts(evaluation, authority=context["is_authority"])
        if context["is_authority"]:
            context["assign_form"] = AssignForm(experts=experts.eligible_for(evaluation.unit))
            context["onsite_form"] = OnsiteForm(
                initial={"flag": evaluation.onsite_check, "outcome": evaluation.onsite_outcome}
            )
            context["answer_form"] = AnswerForm()
        return render(request, "evaluation/unit.html", context)


class UnitPrintView(UnitAccess):
    """The unit's result sheet as a PDF, once its result may be seen."""

    def get(self, request, pk):
        evaluation = self.evaluation(pk)
        if not presenters.shows_result(self.access, evaluation.round):
            raise PermissionDenied(_("结果尚未公布。"))
        return pdf_response(
            "evaluation/print_sheet.html",
            presenters.printed_sheet(evaluation, self.access),
            request,
            f"evaluation-unit-{pk}.pdf",
        )


class FigureRowsView(UnitAccess):
    """The records one figure was computed from, for the unit to check row by row."""

    def get(self, request, pk, figure):
        evaluation = self.evaluation(pk)
        if figure not in figures.FIGURES:
            raise Http404
        round_ = evaluation.round
        rows = figures.rows_behind(
            figure,
            evaluation.unit_id,
            round_.period_start,
            round_.period_end,
            threshold=round_.scheme.value_threshold,
        ).order_by("pk")
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "evaluation/figure_rows.html",
            {
                "evaluation": evaluation,
                "figure": figures.FIGURES[figure],
                "value": evaluation.figures.get(figure, {}),
                "source": figures.FIGURES[figure].source,
                "page_obj": page,
                "failed": presenters.failed_obligations(evaluation.figures.get(figure, {})),
            },
        )


class SelfEvaluationView(UnitAccess):
    template = "evaluation/self_evaluation.html"

    def editable(self, pk) -> UnitEvaluation:
        evaluation = self.evaluation(pk)
        if evaluation.unit_id not in self.access.editor_unit_ids:
            raise PermissionDenied(_("只有本单位管理员或信息员可以提交自评。"))
        return evaluation

    def page(self, evaluation, form, status=200):
        return render(self.request, self.template, {"evaluation": evaluation, "form": form}, status=status)

    def get(self, request, pk):
        evaluation = self.editable(pk)
        return self.page(evaluation, SelfEvaluationForm(initial=evaluation.self_report))

    def post(self, request, pk):
        evaluation = self.editable(pk)
        form = SelfEvaluationForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            attachment = data.pop("attachment")
            try:
                rounds.submit_self_evaluation(
                    self.access, evaluation, actor=request.user, sections=data, attachment=attachment
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("自评报告已提交。"), "evaluation:unit", pk)
        return self.page(evaluation, form, status=400)


class SelfReportFileView(UnitAccess):
    def get(self, request, pk):
        evaluation = self.evaluation(pk)
        name = evaluation.self_report_file.name
        if not name:
            raise Http404
        return private_file_response(
            evaluation.self_report_file,
            content_type=CONTENT_TYPES.get(extension_of(name)),
            filename=_("自评报告附件") + "." + extension_of(name),
        )


class ContestView(UnitAccess):
    def post(self, request, pk):
        evaluation = self.evaluation(pk)
        form = ContestForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请选择数据项并说明理由。")), "evaluation:unit", pk)
        try:
            rounds.contest(self.access, evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "evaluation:unit", pk)
        return self.done(_("已提交数据异议，平台管理机构将答复。"), "evaluation:unit", pk)


class ScoreView(UnitAccess):
    """An assigned expert scores the unit's expert-scored indicators, each with a comment."""

    def setup_form(self, pk, data=None):
        self.unit_evaluation = evaluation = self.evaluation(pk)
        if evaluation.unit_id not in experts.assigned_unit_ids(self.access, evaluation.round):
            raise PermissionDenied(_("您未被指派评议该单位。"))
        self.expert = Expert.objects.filter(user_id=self.access.user_id).first()
        self.rows = presenters.score_form_rows(evaluation, self.expert)
        return ScoreForm(data, rows=self.rows)

    def page(self, form, status=200):
        context = {
            "evaluation": self.unit_evaluation,
            "form": form,
            "rows": self.rows,
            "figures": presenters.figure_rows(self.unit_evaluation, set()),
            "scoring": self.unit_evaluation.round.status == Round.Status.SCORING,
        }
        return render(self.request, "evaluation/score.html", context, status=status)

    def get(self, request, pk):
        return self.page(self.setup_form(pk))

    def post(self, request, pk):
        form = self.setup_form(pk, request.POST)
        if form.is_valid():
            marks = [
                (
                    row["indicator"],
                    form.cleaned_data[f"score_{row['indicator'].pk}"].strip(),
                    form.cleaned_data[f"comment_{row['indicator'].pk}"],
                )
                for row in self.rows
            ]
            try:
                rounds.score_many(self.access, self.unit_evaluation, actor=request.user, marks=marks)
            except ValidationError as error:
                fields = {row["indicator"].code: f"score_{row['indicator'].pk}" for row in self.rows}
                for code, texts in error.message_dict.items():
                    if code in fields:
                        form.add_error(fields[code], texts)
                    else:
                        form.add_error(None, texts)
            else:
                return self.done(_("评分已保存。"), "evaluation:score", pk)
        return self.page(form, status=400)


class ResultsView(View):
    """Published results by year: anyone may read them; nothing of a round that is not published."""

    def get(self, request, pk=None):
        published = Round.objects.filter(status=Round.Status.PUBLISHED).select_related("scheme")
        round_ = get_object_or_404(published, pk=pk) if pk else published.first()
        context = {"published": published, "round": round_}
        if round_ is not None:
            context["table"] = presenters.result_table(round_)
            context["charts"] = charts.round_charts(
                round_, (r["evaluation"] for r in context["table"]["rows"])
            )
            context["can_export"] = presenters.shows_result(access_for(request.user), round_)
        return render(request, "evaluation/results.html", context)
