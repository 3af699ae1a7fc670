from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from yiqi.accounts.access import access_for

from .. import services, summaries
from ..forms import TransitionForm
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


class ReviewQueueView(LoginRequiredMixin, ListView):
    template_name = "registry/review_queue.html"
    paginate_by = 50

    def get_queryset(self):
        access = access_for(self.request.user)
        if not summaries.has_review_queue(access):
            raise PermissionDenied(_("审核仅由单位管理员、主管部门和平台管理员进行。"))
        return summaries.review_queue(access)

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        context = super().get_context_data(**kwargs)
        context["rows"] = [(i, services.available_actions(access, i)) for i in context["object_list"]]
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
