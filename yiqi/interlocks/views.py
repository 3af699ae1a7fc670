"""Interlock pages: the switches a person may see, one switch with its sessions and commands, and the actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from yiqi.accounts.access import access_for

from . import configuration, presenters, services
from .drivers.mqtt import command_topic
from .forms import FitInterlockForm, InterlockSettingsForm, OverrideForm


def _visible(request, pk):
    return get_object_or_404(presenters.interlock_list(access_for(request.user)), pk=pk)


class InterlockListView(LoginRequiredMixin, ListView):
    template_name = "interlocks/list.html"
    paginate_by = 50

    def get_queryset(self):
        return presenters.interlock_list(access_for(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = presenters.interlock_rows(access_for(self.request.user), context["object_list"])
        context["grace"] = settings.YIQI_INTERLOCK_GRACE_MINUTES
        context["can_fit"] = configuration.can_fit_any(access_for(self.request.user))
        return context


class InterlockDetailView(LoginRequiredMixin, View):
    template_name = "interlocks/detail.html"

    def get(self, request, pk, form=None, status=200):
        interlock = _visible(request, pk)
        page = presenters.interlock_page(access_for(request.user), interlock)
        return render(request, self.template_name, {**page, "form": form or OverrideForm()}, status=status)


def _done(request, interlock_pk, action, message):
    """Run ``action``; a refusal (no booking, device silent) is shown on the page, never a server error."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("interlocks:detail", interlock_pk)


class EnableView(LoginRequiredMixin, View):
    def post(self, request, pk):
        interlock = _visible(request, pk)
        return _done(
            request, pk, lambda: services.enable(interlock, actor=request.user), _("仪器已开放使用。")
        )


class ReleaseView(LoginRequiredMixin, View):
    def post(self, request, pk):
        interlock = _visible(request, pk)
        return _done(request, pk, lambda: services.release(interlock, actor=request.user), _("仪器已锁定。"))


class OverrideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        interlock = _visible(request, pk)
        if not services.can_override(access_for(request.user), interlock):
            raise PermissionDenied(_("只有该仪器的服务人员可以人工操作联锁。"))
        form = OverrideForm(request.POST)
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.override(
                    interlock,
                    actor=request.user,
                    enable=values["enable"],
                    reason=values["reason"],
                    hours=float(values["hours"] or 1),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("人工操作已执行。"))
                return redirect("interlocks:detail", pk)
        return InterlockDetailView().get(request, pk, form=form, status=400)


def _settings_page(request, form, *, interlock=None, status=200):
    topic = command_topic(interlock.unit_id, interlock.device.uid) if interlock else ""
    return render(
        request,
        "interlocks/settings.html",
        {"form": form, "interlock": interlock, "command_topic": topic},
        status=status,
    )


def _apply_settings(form, change) -> bool:
    """Run the service with the form's values; its field errors go back on the form."""
    if not form.is_valid():
        return False
    try:
        change(form.cleaned_data)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return False
    return True


class FitInterlockView(LoginRequiredMixin, View):
    """A device manager fits one of their instruments' devices with an interlock."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not configuration.can_fit_any(access_for(request.user)):
            raise PermissionDenied(_("只有仪器所在单位的管理员、信息员和仪器负责人可以设置联锁。"))
        return super().dispatch(request, *args, **kwargs)

    def _form(self, request, data=None):
        return FitInterlockForm(data, devices=configuration.fittable_devices(access_for(request.user)))

    def get(self, request):
        return _settings_page(request, self._form(request))

    def post(self, request):
        form, made = self._form(request, request.POST), []

        def fit(values):
            device = values.pop("device")
            made.append(configuration.fit(access_for(request.user), device, actor=request.user, **values))

        if _apply_settings(form, fit):
            messages.success(request, _("联锁已设置。"))
            return redirect("interlocks:detail", made[0].pk)
        return _settings_page(request, form, status=400)


class InterlockSettingsView(LoginRequiredMixin, View):
    """The switch's settings, for those who manage its instrument's devices."""

    def _interlock(self, request, pk):
        interlock = _visible(request, pk)
        if not configuration.can_configure(access_for(request.user), interlock):
            raise PermissionDenied(_("您无权修改该联锁的设置。"))
        return interlock

    def get(self, request, pk):
        interlock = self._interlock(request, pk)
        initial = {field: getattr(interlock, field) for field in configuration.SETTINGS}
        return _settings_page(request, InterlockSettingsForm(initial=initial), interlock=interlock)

    def post(self, request, pk):
        interlock = self._interlock(request, pk)
        form = InterlockSettingsForm(request.POST)
        access = access_for(request.user)
        if _apply_settings(
            form, lambda values: configuration.configure(access, interlock, actor=request.user, **values)
        ):
            messages.success(request, _("联锁设置已保存。"))
            return redirect("interlocks:detail", pk)
        return _settings_page(request, form, interlock=interlock, status=400)
