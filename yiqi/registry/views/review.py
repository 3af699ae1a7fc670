from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from yiqi.accounts.access import access_for

from .. import services, summaries
from ..forms import BulkTransitionForm, TransitionForm
from .instruments import visible


class TransitionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        instrument = get_object_or_404(visible(request), pk=pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("registry:instrument_detail", pk)
        try:
            instrument = services.transition(
                instrument.pk,
                form.cleaned_data["action"],
                access=access_for(request.user),
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("操作成功，当前状态：%(status)s。")
                % {"status": instrument.get_registration_status_display()},
            )
        next_url = request.POST.get("next")
        if next_url == "review":
            return redirect("registry:review_queue")
        return redirect("registry:instrument_detail", pk)


def report_bulk(request, outcome, describe) -> None:
    """A bulk action's result as messages: how many were done, and each refusal with its reason."""
    if outcome.done:
        messages.success(request, _("已处理 %(count)d 条。") % {"count": len(outcome.done)})
    for obj, reason in outcome.refused:
        messages.error(request, _("%(item)s：未处理，%(reason)s") % {"item": describe(obj), "reason": reason})


def reviewer_access(request):
    """The user's access; 403 for anyone who reviews nothing."""
    access = access_for(request.user)
    if not summaries.has_review_queue(access):
        raise PermissionDenied(_("审核仅由单位管理员、主管部门和平台管理员进行。"))
    return access


class BulkTransitionView(LoginRequiredMixin, View):
    """One action and one comment for many records: the review queue's approve / return, an import's submit."""

    def post(self, request):
        access = access_for(request.user)
        if not (access.editor_unit_ids or access.is_platform_admin or access.department_ids):
            raise PermissionDenied
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("registry:review_queue")
        form = BulkTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(back)
        data = form.cleaned_data
        try:
            outcome = services.bulk_transition(
                data["ids"],
                data["action"],
                access=access,
                user=request.user,
                comment=data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            report_bulk(request, outcome, lambda i: f"{i.name}（{i.asset_number}）")
        return redirect(back)


class ReviewQueueView(LoginRequiredMixin, ListView):
    template_name = "registry/review_queue.html"
    paginate_by = 50

    def get_queryset(self):
        return summaries.review_queue(reviewer_access(self.request))

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        context = super().get_context_data(**kwargs)
        context["rows"] = [(i, services.available_actions(access, i)) for i in context["object_list"]]
        # The bulk bar offers each action some record on this page allows; each record is checked again.
        context["bulk_actions"] = list({s.action: s for _i, steps in context["rows"] for s in steps}.values())
        return context


class DeadlineView(LoginRequiredMixin, TemplateView):
    template_name = "registry/deadlines.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        if not summaries.sees_deadlines(access):
            raise PermissionDenied(_("入网期限仅对单位人员、主管部门和平台管理员开放。"))
        lists = summaries.deadline_lists(access)
        if access.is_platform_admin or access.department_ids:
            kwargs["overdue_by_unit"] = summaries.count_by_unit(lists["overdue"])
        return super().get_context_data(
            overdue=lists["overdue"][:500],
            overdue_count=lists["overdue"].count(),
            due_soon=lists["due_soon"][:500],
            due_soon_count=lists["due_soon"].count(),
            **kwargs,
        )
