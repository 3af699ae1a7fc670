"""Where a unit's administrator connects the unit's own systems: keys (the key shown once), webhook subscriptions
(the signing secret shown once) and the delivery log."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.forms import BootstrapFormMixin
from yiqi.organizations.models import Organization

from .models import UnitKey, WebhookEvent
from .services import keys, webhooks

DELIVERIES_SHOWN = 50


def _unit_admin(request):
    access = access_for(request.user)
    if not keys.manages_unit_systems(access):
        raise PermissionDenied(_("只有单位管理员可以管理单位系统的密钥和事件推送。"))
    return access


class _UnitForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("管理单位"), queryset=Organization.objects.none())

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.objects.filter(
            pk__in=keys.managed_units(access)
        ).order_by("pk")
        self.fields["unit"].initial = self.fields["unit"].queryset.first()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


class KeyForm(_UnitForm):
    name = forms.CharField(label=gettext_lazy("用途"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("权限范围"), choices=UnitKey.Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=gettext_lazy("有效期（天）"), min_value=1, max_value=366, required=False)


class WebhookForm(_UnitForm):
    url = forms.URLField(label=gettext_lazy("接收地址"), max_length=300)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("订阅事件"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )


def _page(request, access, *, key_form=None, webhook_form=None, status=200):
    deliveries = webhooks.visible_deliveries(access).select_related("webhook")[:DELIVERIES_SHOWN]
    context = {
        "keys": keys.visible_keys(access),
        "webhooks": webhooks.visible_webhooks(access).select_related("unit"),
        "deliveries": deliveries,
        "key_form": key_form or KeyForm(access=access),
        "webhook_form": webhook_form or WebhookForm(access=access),
    }
    return render(request, "exchange/systems.html", context, status=status)


class SystemsView(LoginRequiredMixin, View):
    def get(self, request):
        return _page(request, _unit_admin(request))


class SecretOnceCreateView(LoginRequiredMixin, View):
    """Keys and webhooks: the service creates the row and hands back its secret, which this one answer shows (no
    redirect: the secret is never stored where a later page could read it)."""

    form_class: type[_UnitForm]
    form_name: str
    title: str

    def issue(self, access, data: dict) -> tuple[object, str]:
        raise NotImplementedError

    def post(self, request):
        access = _unit_admin(request)
        form = self.form_class(request.POST, access=access)
        if form.is_valid():
            try:
                row, secret = self.issue(access, form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                return render(
                    request, "exchange/secret_once.html", {"row": row, "secret": secret, "title": self.title}
                )
        return _page(request, access, **{self.form_name: form}, status=400)


class KeyCreateView(SecretOnceCreateView):
    form_class, form_name, title = KeyForm, "key_form", gettext_lazy("单位系统密钥")

    def issue(self, access, data):
        return keys.issue_key(
            access, unit=data["unit"], name=data["name"], scopes=data["scopes"], days=data["days"],
            actor=self.request.user,
        )  # fmt: skip


class WebhookCreateView(SecretOnceCreateView):
    form_class, form_name, title = WebhookForm, "webhook_form", gettext_lazy("事件推送签名密钥")

    def issue(self, access, data):
        return webhooks.create_webhook(
            access, unit=data["unit"], url=data["url"], events=data["events"], actor=self.request.user
        )


class KeyRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        access = _unit_admin(request)
        keys.revoke_key(access, get_object_or_404(keys.visible_keys(access), pk=pk), actor=request.user)
        messages.success(request, _("密钥已停用。"))
        return redirect("exchange:systems")


class WebhookDisableView(LoginRequiredMixin, View):
    def post(self, request, pk):
        access = _unit_admin(request)
        hook = get_object_or_404(webhooks.visible_webhooks(access), pk=pk)
        webhooks.disable_webhook(access, hook, actor=request.user)
        messages.success(request, _("事件推送已停用。"))
        return redirect("exchange:systems")
