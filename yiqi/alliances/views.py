"""Alliance pages: the alliances, one alliance's page (terms, members, figures, its catalogue of the members'
instruments), forming one, its terms, joining and the membership steps. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.forms import add_errors
from yiqi.core.workflow import post_step
from yiqi.organizations.models import Organization

from . import services
from .forms import AllianceForm, TermsForm
from .models import Membership, MembershipStatus
from .signals import figures_requested

PAGE_SIZE = 20


class ListView(View):
    def get(self, request):
        access = access_for(request.user)
        return render(
            request,
            "alliances/list.html",
            {
                "alliances": services.alliances().order_by("name"),
                "can_form": bool(access.unit_admin_unit_ids),
            },
        )


class DetailView(View):
    def get(self, request, pk):
        access = access_for(request.user)
        alliance = get_object_or_404(services.alliances(), pk=pk)
        unit_ids = services.member_unit_ids(alliance)
        year = timezone.localdate().year
        figures = {}
        for _receiver, answer in figures_requested.send(
            sender=type(alliance), alliance=alliance, unit_ids=unit_ids, year=year
        ):
            figures.update(answer or {})
        leads = services.leads(access, alliance)
        applications = alliance.memberships.filter(status=MembershipStatus.APPLIED).select_related("unit")
        invitations = services.visible_memberships(access).filter(
            alliance=alliance, status=MembershipStatus.INVITED
        )
        return render(
            request,
            "alliances/detail.html",
            {
                "alliance": alliance,
                "members": [
                    (membership, services.allowed_actions(access, membership))
                    for membership in services.members(alliance).select_related("alliance")
                ],
                "applications": [
                    (membership, services.allowed_actions(access, membership))
                    for membership in applications.select_related("alliance")
                ]
                if leads
                else [],
                "invitations": [
                    (membership, services.allowed_actions(access, membership)) for membership in invitations
                ],
                "invitable": services.invitable_units(alliance) if leads else [],
                "figures": figures,
                "year": year,
                "leads": leads,
                "joinable": services.joinable_units(access, alliance),
                "page_obj": Paginator(services.member_instruments(unit_ids), PAGE_SIZE).get_page(
                    request.GET.get("page")
                ),
            },
        )


class FormView(LoginRequiredMixin, View):
    def units(self):
        return (
            Organization.objects.management_units()
            .filter(pk__in=access_for(self.request.user).unit_admin_unit_ids)
            .order_by("name")
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access_for(request.user).unit_admin_unit_ids:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def show(self, form):
        return render(self.request, "alliances/form.html", {"form": form, "units": self.units()})

    def get(self, request):
        return self.show(AllianceForm())

    def post(self, request):
        form = AllianceForm(request.POST)
        units = list(self.units().values_list("pk", flat=True))
        try:
            lead_unit_id = int(request.POST.get("lead_unit") or units[0])
        except (ValueError, IndexError):
            lead_unit_id = None
        if form.is_valid():
            try:
                alliance = services.form_alliance(
                    access=access_for(request.user),
                    actor=request.user,
                    lead_unit_id=lead_unit_id,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("联盟已成立。"))
                return redirect("alliances:detail", alliance.pk)
        return self.show(form)


class TermsView(LoginRequiredMixin, View):
    def alliance(self, pk):
        alliance = get_object_or_404(services.alliances(), pk=pk)
        if not services.leads(access_for(self.request.user), alliance):
            raise PermissionDenied
        return alliance

    def show(self, alliance, form):
        return render(self.request, "alliances/terms.html", {"alliance": alliance, "form": form})

    def get(self, request, pk):
        alliance = self.alliance(pk)
        return self.show(alliance, TermsForm(instance=alliance))

    def post(self, request, pk):
        alliance = self.alliance(pk)
        form = TermsForm(request.POST, instance=alliance)
        if form.is_valid():
            try:
                services.set_terms(alliance, access=access_for(request.user), **form.cleaned_data)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("联盟条款已更新。"))
                return redirect("alliances:detail", pk)
        return self.show(self.alliance(pk), form)


class JoinView(LoginRequiredMixin, View):
    def post(self, request, pk):
        alliance = get_object_or_404(services.alliances(), pk=pk)
        access = access_for(request.user)
        if not access.unit_admin_unit_ids:
            raise PermissionDenied
        chosen = (
            request.POST.get("unit")
            or services.joinable_units(access, alliance).values_list("pk", flat=True).first()
        )
        try:
            services.apply(alliance, access=access, actor=request.user, unit_id=int(chosen or 0))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except (PermissionDenied, ValueError):
            messages.error(request, _("您管理的单位都已加入或已申请加入该联盟。"))
        else:
            messages.success(request, _("已提交加入申请，请等待牵头单位审核。"))
        return redirect("alliances:detail", pk)


class InviteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        alliance = get_object_or_404(services.alliances(), pk=pk)
        access = access_for(request.user)
        if not services.leads(access, alliance):
            raise PermissionDenied
        try:
            unit_id = int(request.POST.get("unit") or 0)
            services.invite(alliance, access=access, actor=request.user, unit_id=unit_id)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ValueError:
            messages.error(request, _("请选择要邀请的单位。"))
        else:
            messages.success(request, _("已发出邀请，等待对方单位管理员接受。"))
        return redirect("alliances:detail", pk)


class MembershipActView(LoginRequiredMixin, View):
    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("alliance", "unit"), pk=pk)
        access = access_for(request.user)
        post_step(
            request,
            lambda action, comment: services.act(
                membership, action, access=access, actor=request.user, comment=comment
            ),
        )
        return redirect("alliances:detail", membership.alliance_id)
