"""User credit pages: the user's own marks and suspension (with the appeal), the unit admin's appeals, and the
platform authority's overview with the override."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for

from ..services import credit

# Where each step is taken from, to go back to.
STEP_PAGES = {
    "appeal": "booking:credit",
    "accept_appeal": "booking:credit_appeals",
    "dismiss_appeal": "booking:credit_appeals",
    "override": "booking:credit_overview",
}


class CreditView(LoginRequiredMixin, View):
    def get(self, request):
        page = credit.my_credit(request.user)
        if page["suspension"] is not None:
            page["history"] = credit.suspension_history(page["suspension"])
        return render(request, "booking/credit.html", page)


class AppealsView(LoginRequiredMixin, View):
    def get(self, request):
        access = access_for(request.user)
        if not access.unit_admin_unit_ids:
            raise PermissionDenied(_("信用申诉由仪器所属单位的管理员处理。"))
        return render(request, "booking/credit_appeals.html", credit.unit_appeals(access))


class OverviewView(LoginRequiredMixin, View):
    def get(self, request):
        if not access_for(request.user).is_platform_admin:
            raise PermissionDenied(_("预约信用总览仅对平台主管机关开放。"))
        return render(request, "booking/credit_overview.html", credit.credit_overview())


class SuspensionStepView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        if action not in STEP_PAGES:
            raise PermissionDenied
        suspension = get_object_or_404(credit.visible_suspensions(access_for(request.user)), pk=pk)
        comment = request.POST.get("comment", "")
        try:
            if action == "appeal":
                credit.appeal(suspension, actor=request.user, reason=comment)
            elif action == "override":
                credit.override(suspension, actor=request.user, comment=comment)
            else:
                credit.decide_appeal(
                    suspension, actor=request.user, accept=action == "accept_appeal", comment=comment
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("已%(action)s。") % {"action": credit.SUSPENSION_MACHINE.label(action)}
            )
        return redirect(STEP_PAGES[action])
