"""Results pages: the units' list with the acknowledgements waiting for a decision, recording, correcting and
deleting a result, and a user's own acknowledgements. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.forms import add_errors
from yiqi.organizations.models import Organization

from . import services
from .forms import AcknowledgementForm, DecisionForm, OutcomeForm
from .models import Outcome, OutcomeKind, OutcomeStatus

PAGE_SIZE = 20


class OutcomeView(LoginRequiredMixin, View):
    @property
    def access(self):
        return access_for(self.request.user)


class ListView(OutcomeView):
    """The results of the units a visitor oversees, filtered by kind, status and unit."""

    def get(self, request):
        access = self.access
        if not services.sees_unit_outcomes(access):
            raise PermissionDenied
        rows = services.visible_outcomes(access)
        if (
            not access.is_platform_admin
        ):  # the units overseen, not the visitor's own acknowledgements elsewhere
            rows = rows.filter(
                Q(unit_id__in=access.staff_unit_ids)
                | Q(unit__supervising_department_id__in=access.department_ids)
            )
        chosen = {
            "kind": request.GET.get("kind") if request.GET.get("kind") in OutcomeKind.values else "",
            "status": request.GET.get("status") if request.GET.get("status") in OutcomeStatus.values else "",
        }
        rows = rows.filter(**{name: value for name, value in chosen.items() if value})
        rows = rows.annotate(instrument_count=Count("instruments")).order_by("-date", "-pk")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "outcomes/list.html",
            {
                "page_obj": page,
                "kinds": OutcomeKind.choices,
                "statuses": OutcomeStatus.choices,
                "chosen": chosen,
                "can_create": bool(access.editor_unit_ids),
                "editor_units": access.editor_unit_ids,
            },
        )


class CreateView(OutcomeView):
    def kind(self) -> str:
        kind = self.request.GET.get("kind") or OutcomeKind.PAPER
        return kind if kind in OutcomeKind.values else OutcomeKind.PAPER

    def unit_id(self) -> int:
        units = sorted(self.access.editor_unit_ids)
        if not units:
            raise PermissionDenied
        try:
            chosen = int(self.request.GET.get("unit") or units[0])
        except ValueError:
            chosen = units[0]
        return chosen if chosen in units else units[0]

    def show(self, form, outcome, kind, status=200):
        unit_id = outcome.unit_id if outcome else self.unit_id()
        return render(
            self.request,
            "outcomes/form.html",
            {
                "form": form,
                "outcome": outcome,
                "kind_label": OutcomeKind(kind).label,
                "unit_id": unit_id,
                "units": Organization.objects.filter(pk__in=self.access.editor_unit_ids).order_by("name")
                if outcome is None
                else (),
                "history": services.MACHINE.history(outcome) if outcome else [],
            },
            status=status,
        )

    def get(self, request):
        kind, unit_id = self.kind(), self.unit_id()
        return self.show(OutcomeForm(kind=kind, unit_id=unit_id), None, kind)

    def post(self, request):
        kind, unit_id = self.kind(), self.unit_id()
        outcome = Outcome(kind=kind, unit_id=unit_id)
        return self.save(OutcomeForm(request.POST, instance=outcome, kind=kind, unit_id=unit_id), outcome)

    def save(self, form, outcome):
        if form.is_valid():
            try:
                services.save_outcome(
                    form.instance,
                    access=self.access,
                    user=self.request.user,
                    instrument_ids=[i.pk for i in form.cleaned_data["instruments"]],
                    record_ids=[r.pk for r in form.cleaned_data["service_records"]],
                )
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(self.request, _("已保存。"))
                return redirect("outcomes:list")
        return self.show(form, outcome if outcome.pk else None, outcome.kind)


class EditView(CreateView):
    def outcome(self, pk) -> Outcome:
        outcome = get_object_or_404(services.visible_outcomes(self.access), pk=pk)
        if not services.can_edit(self.access, outcome):
            raise PermissionDenied
        return outcome

    def get(self, request, pk):
        outcome = self.outcome(pk)
        return self.show(
            OutcomeForm(instance=outcome, kind=outcome.kind, unit_id=outcome.unit_id), outcome, outcome.kind
        )

    def post(self, request, pk):
        outcome = self.outcome(pk)
        form = OutcomeForm(request.POST, instance=outcome, kind=outcome.kind, unit_id=outcome.unit_id)
        return self.save(form, outcome)


class DeleteView(OutcomeView):
    def outcome(self, pk) -> Outcome:
        outcome = get_object_or_404(services.visible_outcomes(self.access), pk=pk)
        if not services.can_delete(self.access, outcome):
            raise PermissionDenied
        return outcome

    def get(self, request, pk):
        return render(request, "outcomes/delete.html", {"outcome": self.outcome(pk)})

    def post(self, request, pk):
        outcome = self.outcome(pk)
        services.delete_outcome(outcome, access=self.access, actor=request.user)
        messages.success(request, _("已删除。"))
        return redirect("outcomes:list" if services.can_edit(self.access, outcome) else "outcomes:mine")


class DecideView(OutcomeView):
    def post(self, request, pk):
        outcome = get_object_or_404(services.visible_outcomes(self.access), pk=pk)
        if not services.can_edit(self.access, outcome):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择确认或不予确认。"))
            return redirect("outcomes:list")
        try:
            services.decide(outcome, access=self.access, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("操作成功。"))
        return redirect("outcomes:list")


class MineView(OutcomeView):
    """A user's acknowledgements of papers, and the form to add one from a completed service."""

    def show(self, form, status=200):
        rows = (
            services.visible_outcomes(self.access)
            .filter(acknowledged_by_user=True, submitted_by_id=self.request.user.pk)
            .order_by("-created_at", "-pk")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return render(self.request, "outcomes/mine.html", {"page_obj": page, "form": form}, status=status)

    def get(self, request):
        return self.show(AcknowledgementForm(access=self.access))

    def post(self, request):
        form = AcknowledgementForm(request.POST, access=self.access)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.acknowledge(
                    self.access, user=request.user, record_id=data.pop("service_record").pk, **data
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("已提交，请等待管理单位确认。"))
                return redirect("outcomes:mine")
        return self.show(form)
