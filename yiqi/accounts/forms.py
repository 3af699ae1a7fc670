from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin
from yiqi.core.validators import validate_plain_text
from yiqi.organizations.models import Organization, Region
from yiqi.organizations.validators import normalize_credit_code, validate_credit_code

from .models import User


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class RegistrationForm(BootstrapFormMixin, forms.ModelForm):
    """An external user registers and names the organisation they belong to."""

    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)
    organization_name = forms.CharField(
        label=_("所在单位名称"), max_length=100, validators=[validate_plain_text]
    )
    organization_kind = forms.ChoiceField(label=_("单位类型"), choices=Organization.Kind.choices)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("企业必填；填写后将关联已登记的同一单位。"),
    )
    region = forms.ModelChoiceField(label=_("所在地区"), queryset=Region.objects.all())

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        self.organization = None

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_credit_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif cleaned.get("password1"):
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(cleaned["password1"], candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        kind, code, name = (
            cleaned.get("organization_kind"),
            cleaned.get("credit_code"),
            cleaned.get("organization_name"),
        )
        if kind == Organization.Kind.ENTERPRISE and not code and "credit_code" not in self.errors:
            self.add_error("credit_code", _("企业用户须填写统一社会信用代码。"))
        if self.errors:
            return cleaned
        existing = (
            Organization.objects.filter(credit_code=code).first()
            if code
            else Organization.objects.filter(name=name).first()
        )
        if existing is not None:
            if code and existing.name != name:
                self.add_error(
                    "organization_name",
                    _("该信用代码已登记为“%(name)s”，请核对单位名称。") % {"name": existing.name},
                )
            self.organization = existing
        elif Organization.objects.filter(name=name).exists():
            self.add_error("organization_name", _("同名单位已登记了不同的信用代码，请核对。"))
        else:
            self.organization = Organization(
                name=name, kind=kind, credit_code=code, region=cleaned.get("region"), is_management_unit=False
            )
        return cleaned
