"""Analysis pages: what-if (a scheme version over a round; one unit's figures moved), the instrument ranking and
the long-idle list. All are GET pages that compute and write nothing."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ..forms_analysis import InstrumentFilterForm, SchemeWhatIfForm, UnitWhatIfForm, order_of, year_of
from ..models import Round
from ..services import instruments, presenters, schemes, whatif
from . import AuthorityView, EvaluationView
from .units import UnitAccess

ROWS_PER_PAGE = 50


class RoundWhatIfView(AuthorityView):
    """The authority scores the round's units under another scheme version (e.g. a draft it is editing)."""

    def get(self, request, pk):
        round_ = get_object_or_404(Round.objects.select_related("scheme"), pk=pk)
        marks = whatif.marks_known(round_, result_shown=True)  # the authority sees results from the close on
        form = SchemeWhatIfForm(request.GET or None, initial={"scheme": round_.scheme_id}, marks_known=marks)
        scheme = (form.cleaned_data.get("scheme") if form.is_valid() else None) or round_.scheme
        # Both indicator trees in one read: the problems check and each scoring walk them.
        prefetch_related_objects([round_.scheme, scheme], "indicators")
        context = {
            "round": round_,
            "form": form,
            "scheme": scheme,
            "problems": [text for texts in schemes.problems(scheme).values() for text in texts],
            "is_authority": True,
            **whatif.compare_schemes(round_, scheme, share=form.share(), marks=marks),
        }
        return render(request, "evaluation/whatif_round.html", context)


class UnitWhatIfView(UnitAccess):
    """A unit (its staff, its department, the authority) moves its figures and sees its score and grade change."""

    def get(self, request, pk):
        evaluation = self.evaluation(pk)
        marks = whatif.marks_known(evaluation.round, presenters.shows_result(self.access, evaluation.round))
        form = UnitWhatIfForm(
            request.GET or None, initial=whatif.current_values(evaluation), marks_known=marks
        )
        context = {
            "evaluation": evaluation,
            "round": evaluation.round,
            "form": form,
            **whatif.move_unit(evaluation, form.moved(), share=form.share(), marks=marks),
        }
        return render(request, "evaluation/whatif_unit.html", context)


class InstrumentListView(EvaluationView):
    """The instrument ranking (``ranking``) or the long-idle list, over the units the visitor oversees."""

    ranking = True

    def get(self, request):
        access = self.access
        if not instruments.may_see(access):
            raise PermissionDenied(_("仪器排名和长期闲置清单供单位人员、主管部门和平台管理机构查看。"))
        units, departments = instruments.choices(access)
        form = InstrumentFilterForm(
            request.GET or None, units=units, departments=departments, ranking=self.ranking
        )
        filters = form.filters()
        context = {"form": form, "ranking": self.ranking, "is_authority": schemes.is_authority(access)}
        if self.ranking:
            year, order = year_of(filters), order_of(filters)
            rows = instruments.ranked(access, year=year, order=order, **filters)
            page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
            context.update(year=year, order=order, rows=instruments.ranking_rows(page, year))
        else:
            page = Paginator(instruments.long_idle(access, **filters), ROWS_PER_PAGE).get_page(
                request.GET.get("page")
            )
            context.update(since=instruments.idle_since(), months=instruments.idle_months(), rows=page)
        context["page_obj"] = page
        return render(request, "evaluation/instruments.html", context)
