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

from . import presenters, services
from .forms import OverrideForm


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
