"""The authority's pages: schemes (tree, copy, edit a draft, problems, activate), rounds (open, progress by unit,
experts, steps, subsidies, export) and rectifications."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.pdf import pdf_response
from yiqi.experts import services as experts
from yiqi.fees.views import add_errors

from ..forms import (
    AnswerForm,
    AssignForm,
    BudgetForm,
    GradeLinesForm,
    IndicatorForm,
    OnsiteForm,
    RectificationCloseForm,
    RoundForm,
    SchemeCopyForm,
)
from ..models import Contest, Indicator, Round, Scheme, UnitEvaluation
from ..services import charts, presenters, reallocation, reports, rounds, schemes
from . import AuthorityView, EvaluationView

STEPS = {"start_scoring": rounds.start_scoring, "close": rounds.close, "publish": rounds.publish}


class SchemeListView(AuthorityView):
    def get(self, request):
        return render(
            request,
            "evaluation/scheme_list.html",
            {"schemes": Scheme.objects.select_related("based_on"), "copy_form": SchemeCopyForm()},
        )


class SchemeView(AuthorityView):
    def get(self, request, pk):
        scheme = get_object_or_404(Scheme, pk=pk)
        return render(
            request,
            "evaluation/scheme.html",
            {
                "scheme": scheme,
                "tree": schemes.tree(scheme),
                "problems": [text for texts in schemes.problems(scheme).values() for text in texts],
                "copy_form": SchemeCopyForm(),
                "grades_form": GradeLinesForm(
                    initial={f: getattr(scheme, f) for f in ("excellent_from", "good_from", "pass_from")}
                ),
                "is_draft": scheme.status == Scheme.Status.DRAFT,
            },
        )


class SchemeCopyView(AuthorityView):
    def post(self, request, pk):
        scheme = get_object_or_404(Scheme, pk=pk)
        form = SchemeCopyForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(form.errors["name"]), "evaluation:scheme", pk)
        new = schemes.copy(self.access, scheme, actor=request.user, name=form.cleaned_data["name"])
        return self.done(
            _("已复制为草稿 %(scheme)s，可修改后启用。") % {"scheme": new}, "evaluation:scheme", new.pk
        )


class SchemeActivateView(AuthorityView):
    def post(self, request, pk):
        scheme = get_object_or_404(Scheme, pk=pk)
        try:
            schemes.activate(self.access, scheme, actor=request.user)
        except ValidationError as error:
            return self.refused(error, "evaluation:scheme", pk)
        return self.done(_("方案已启用，可用于新的评价轮次。"), "evaluation:scheme", pk)


class SchemeGradesView(AuthorityView):
    def post(self, request, pk):
        scheme = get_object_or_404(Scheme, pk=pk)
        form = GradeLinesForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请填写三条分数线。")), "evaluation:scheme", pk)
        try:
            schemes.edit_grade_lines(self.access, scheme, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "evaluation:scheme", pk)
        return self.done(_("已保存等级分数线。"), "evaluation:scheme", pk)


class IndicatorEditView(AuthorityView):
    def setup_form(self, pk, data=None):
        self.indicator = get_object_or_404(Indicator.objects.select_related("scheme"), pk=pk)
        if self.indicator.scheme.status != Scheme.Status.DRAFT:
            raise PermissionDenied(_("已启用的方案版本不能修改，请复制为新版本后编辑。"))
        initial = {
            "name": self.indicator.name,
            "points": self.indicator.points,
            "params": json_text(self.indicator.params),
            "guide": self.indicator.guide,
        }
        return IndicatorForm(data, indicator=self.indicator, initial=initial)

    def page(self, form, status=200):
        context = {"form": form, "indicator": self.indicator, "scheme": self.indicator.scheme}
        return render(self.request, "evaluation/indicator_form.html", context, status=status)

    def get(self, request, pk):
        return self.page(self.setup_form(pk))

    def post(self, request, pk):
        form = self.setup_form(pk, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                schemes.edit_indicator(
                    self.access,
                    self.indicator,
                    actor=request.user,
                    name=data["name"],
                    points=data["points"],
                    params=data.get("params", self.indicator.params),
                    guide=data.get("guide", self.indicator.guide),
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("已保存指标。"), "evaluation:scheme", self.indicator.scheme_id)
        return self.page(form, status=400)


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


class RoundCreateView(AuthorityView):
    def page(self, form, status=200):
        return render(self.request, "evaluation/round_form.html", {"form": form}, status=status)

    def get(self, request):
        return self.page(RoundForm())

    def post(self, request):
        form = RoundForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            units = form.chosen_units()
            for key in ("all_units", "units"):
                data.pop(key)
            try:
                round_ = rounds.open_round(self.access, actor=request.user, units=units, **data)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(
                    _("已开启评价轮次，参评单位现在可以查看计算数据并提交自评。"),
                    "evaluation:round",
                    round_.pk,
                )
        return self.page(form, status=400)


class RoundView(AuthorityView):
    def get(self, request, pk):
        round_ = get_object_or_404(Round.objects.select_related("scheme"), pk=pk)
        context = presenters.round_progress(round_, self.access)
        if context["shows_result"]:
            context["table"] = presenters.result_table(round_)
            context["charts"] = charts.round_charts(
                round_, (r["evaluation"] for r in context["table"]["rows"])
            )
        context["budget_form"] = BudgetForm(initial={"budget": round_.subsidy_budget})
        return render(request, "evaluation/round.html", context)


class RoundStepView(AuthorityView):
    def post(self, request, pk):
        round_ = get_object_or_404(Round, pk=pk)
        step = STEPS.get(request.POST.get("action", ""))
        if step is None:
            return self.refused(ValidationError(_("请选择操作。")), "evaluation:round", pk)
        try:
            round_ = step(self.access, round_, actor=request.user)
        except ValidationError as error:
            return self.refused(error, "evaluation:round", pk)
        return self.done(
            _("评价轮次现为“%(status)s”。") % {"status": round_.get_status_display()}, "evaluation:round", pk
        )


class RoundSubsidyView(AuthorityView):
    def post(self, request, pk):
        round_ = get_object_or_404(Round, pk=pk)
        form = BudgetForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(form.errors["budget"]), "evaluation:round", pk)
        try:
            rounds.allocate_subsidies(self.access, round_, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "evaluation:round", pk)
        return self.done(_("已按预算分配后补助。"), "evaluation:round", pk)


class RoundExportView(View):
    """The results workbook: the authority's once the round is closed, anyone's once it is published."""

    def round(self, pk) -> Round:
        access = access_for(self.request.user)
        round_ = get_object_or_404(presenters.visible_rounds(access), pk=pk)
        if not presenters.shows_result(access, round_):
            raise PermissionDenied(_("结果尚未公布。"))
        return round_

    def get(self, request, pk):
        return reports.export_xlsx(self.round(pk))


class RoundPrintView(RoundExportView):
    """The results list as a PDF, to the same readers as the workbook."""

    def get(self, request, pk):
        round_ = self.round(pk)
        context = {"round": round_, "table": presenters.result_table(round_)}
        return pdf_response(
            "evaluation/print_results.html", context, request, f"evaluation-{pk}.pdf", landscape=True
        )


class UnitStepView(AuthorityView):
    """A step the authority takes on one unit of a round; answers on the unit's page."""

    def post(self, request, pk):
        evaluation = get_object_or_404(UnitEvaluation.objects.select_related("round", "unit"), pk=pk)
        form = self.make_form(evaluation, request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请检查填写的内容。")), "evaluation:unit", pk)
        try:
            message = self.act(evaluation, form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "evaluation:unit", pk)
        return self.done(message, "evaluation:unit", pk)


class AssignView(UnitStepView):
    def make_form(self, evaluation, data):
        return AssignForm(data, experts=experts.eligible_for(evaluation.unit))

    def act(self, evaluation, data):
        rounds.assign_expert(self.access, evaluation, expert=data["expert"], actor=self.request.user)
        return _("已指派专家 %(expert)s。") % {"expert": data["expert"]}


class OnsiteView(UnitStepView):
    def make_form(self, evaluation, data):
        return OnsiteForm(data)

    def act(self, evaluation, data):
        rounds.onsite(self.access, evaluation, actor=self.request.user, **data)
        return _("已记录现场核查。")


class AnswerContestView(AuthorityView):
    def post(self, request, pk):
        contest = get_object_or_404(Contest.objects.select_related("evaluation"), pk=pk)
        form = AnswerForm(request.POST)
        to = ("evaluation:unit", contest.evaluation_id)
        if not form.is_valid():
            return self.refused(ValidationError(_("请填写答复。")), *to)
        try:
            rounds.answer_contest(self.access, contest, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, *to)
        return self.done(_("已答复异议。"), *to)


class RectificationListView(EvaluationView):
    def get(self, request):
        access = self.access
        if not (schemes.is_authority(access) or access.staff_unit_ids or access.department_ids):
            raise PermissionDenied
        return render(
            request,
            "evaluation/rectification_list.html",
            {
                "rectifications": presenters.visible_rectifications(access),
                "is_authority": schemes.is_authority(access),
                "close_form": RectificationCloseForm(),
            },
        )


class ReallocationView(AuthorityView):
    def get(self, request):
        context = {"groups": reallocation.candidates(), "low_use_hours": reallocation.LOW_USE_HOURS}
        return render(request, "evaluation/reallocation.html", context)


class RectificationCloseView(AuthorityView):
    def post(self, request, pk):
        rectification = get_object_or_404(presenters.visible_rectifications(self.access), pk=pk)
        form = RectificationCloseForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请填写整改情况。")), "evaluation:rectifications")
        try:
            rounds.close_rectification(self.access, rectification, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "evaluation:rectifications")
        return self.done(_("整改已完成。"), "evaluation:rectifications")
