"""The instrument manager's booking settings page: service settings, open hours, blackouts, qualifications."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.registry import scoping

from .. import services
from ..forms import BlackoutForm, OpenHoursForm, QualificationForm, ServiceSettingsForm, add_service_errors
from ..models import OpenHours
from .common import visible_instrument


def managed_instrument(request, pk):
    instrument = visible_instrument(request, pk)
    if not scoping.can_manage_service(access_for(request.user), instrument):
        raise PermissionDenied
    return instrument


class SettingsView(LoginRequiredMixin, View):
    """One page with four forms; each posts its ``section`` and, on an error, comes back with that form
    bound and the others fresh."""

    template_name = "booking/settings.html"
    sections = {
        "settings": "save_settings",
        "hours": "save_hours",
        "blackout": "add_blackout",
        "qualification": "grant_qualification",
    }

    def forms(self, instrument, section=None, data=None) -> dict:
        def bound(name):
            return data if section == name else None

        return {
            "settings": ServiceSettingsForm(
                bound("settings"), instance=services.settings_or_defaults(instrument)
            ),
            "hours": OpenHoursForm(
                bound("hours"), periods=list(OpenHours.objects.filter(instrument=instrument))
            ),
            "blackout": BlackoutForm(bound("blackout"), prefix="blackout"),
            "qualification": QualificationForm(bound("qualification"), prefix="qualification"),
        }

    def render_page(self, request, instrument, forms):
        context = {
            "instrument": instrument,
            "settings_form": forms["settings"],
            "hours_form": forms["hours"],
            "blackout_form": forms["blackout"],
            "qualification_form": forms["qualification"],
            "blackouts": instrument.blackouts.filter(ends_at__gte=timezone.now()).select_related(
                "created_by"
            ),
            "qualifications": instrument.qualifications.filter(revoked_at__isnull=True)
            .select_related("user", "granted_by")
            .order_by("expires_on", "id"),
            "today": timezone.localdate(),
            "history": services.settings_history(instrument),
        }
        return render(request, self.template_name, context)

    def get(self, request, instrument_id):
        instrument = managed_instrument(request, instrument_id)
        return self.render_page(request, instrument, self.forms(instrument))

    def post(self, request, instrument_id):
        instrument = managed_instrument(request, instrument_id)
        section = request.POST.get("section")
        if section not in self.sections:
            return redirect("booking:settings", instrument.pk)
        forms = self.forms(instrument, section, request.POST)
        form = forms[section]
        if form.is_valid():
            try:
                getattr(self, self.sections[section])(request, instrument, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect(f"{instrument_settings_url(instrument)}#{section}")
        return self.render_page(request, instrument, forms)

    @staticmethod
    def save_settings(request, instrument, data):
        services.save_service_settings(instrument, actor=request.user, **data)

    @staticmethod
    def save_hours(request, instrument, data):
        services.set_open_hours(instrument, data["periods"], actor=request.user)

    @staticmethod
    def add_blackout(request, instrument, data):
        services.add_blackout(instrument, actor=request.user, **data)

    @staticmethod
    def grant_qualification(request, instrument, data):
        services.grant_qualification(
            instrument,
            data["who"],
            trained_on=data["trained_on"],
            expires_on=data["expires_on"],
            training_record=data["training_record"],
            actor=request.user,
        )


class SettingsItemRemoveView(LoginRequiredMixin, View):
    """Removes one of the instrument's blackouts or qualifications, then goes back to its part of the settings
    page; a refusal from the service is shown as a message."""

    items = ""  # the instrument's related manager
    section = ""  # the settings page's anchor

    def remove(self, item, actor) -> str:
        """Calls the service and returns the success message."""
        raise NotImplementedError

    def post(self, request, instrument_id, pk):
        instrument = managed_instrument(request, instrument_id)
        item = get_object_or_404(getattr(instrument, self.items), pk=pk)
        try:
            done = self.remove(item, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect(f"{instrument_settings_url(instrument)}#{self.section}")


class BlackoutRemoveView(SettingsItemRemoveView):
    items, section = "blackouts", "blackout"

    def remove(self, blackout, actor):
        services.remove_blackout(blackout, actor=actor)
        return _("已删除停机/保留时段。")


class QualificationRevokeView(SettingsItemRemoveView):
    items, section = "qualifications", "qualification"

    def remove(self, qualification, actor):
        services.revoke_qualification(qualification, actor=actor)
        return _("已撤销 %(user)s 的上机资格。") % {"user": qualification.user}


def instrument_settings_url(instrument) -> str:
    return reverse("booking:settings", args=[instrument.pk])
