from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, IdListField
from yiqi.core.validators import validate_plain_text
from yiqi.organizations.models import Organization, Region
from yiqi.organizations.validators import normalize_credit_code, validate_credit_code

from . import services
from .models import ORGANIZATION_ROLES, Role, User


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class ChangePasswordForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class ResetPasswordForm(BootstrapFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


class AccountForm(BootstrapFormMixin, forms.ModelForm):
    """A new account's own fields and its password, checked by the password validators."""

    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        if self.instance._state.adding:  # a new account reads its messages in the language it signed up in
            self.instance.language = translation.get_language() or settings.LANGUAGE_CODE

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
        return cleaned


class RegistrationForm(AccountForm):
    """Self-registration: as an individual, with a new organisation, or asking to join a registered one."""

    INDIVIDUAL, NEW_ORGANIZATION, JOIN = "individual", "new_organization", "join"
    account_type = forms.ChoiceField(
        label=_("注册方式"),
        widget=forms.RadioSelect,
        choices=[
            (INDIVIDUAL, _("个人用户（不隶属任何单位）")),
            (NEW_ORGANIZATION, _("登记新单位（平台上尚无本单位）")),
            (JOIN, _("申请加入已登记的单位（经该单位管理员批准后生效）")),
        ],
        initial=NEW_ORGANIZATION,
    )
    organization_name = forms.CharField(
        label=_("单位名称"), max_length=100, required=False, validators=[validate_plain_text]
    )
    organization_kind = forms.ChoiceField(
        label=_("单位类型"), choices=[("", "---------"), *Organization.Kind.choices], required=False
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("登记企业时必填；申请加入时可用信用代码代替单位名称。"),
    )
    region = forms.ModelChoiceField(label=_("所在地区"), queryset=Region.objects.all(), required=False)
    message = forms.CharField(label=_("申请说明（申请加入时填写）"), max_length=200, required=False)

    field_order = ["account_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = None  # a new, unsaved organisation, or the one to ask to join

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_credit_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("account_type")
        if kind == self.NEW_ORGANIZATION:
            self._clean_new_organization(cleaned)
        elif kind == self.JOIN:
            self._clean_join(cleaned)
        return cleaned

    def _clean_new_organization(self, cleaned):
        name, org_kind, code = (
            cleaned.get(k) for k in ("organization_name", "organization_kind", "credit_code")
        )
        if not name:
            self.add_error("organization_name", _("请填写单位名称。"))
        if not org_kind:
            self.add_error("organization_kind", _("请选择单位类型。"))
        if not cleaned.get("region"):
            self.add_error("region", _("请选择所在地区。"))
        if org_kind == Organization.Kind.ENTERPRISE and not code and "credit_code" not in self.errors:
            self.add_error("credit_code", _("企业须填写统一社会信用代码。"))
        for field, message in services.organization_clash(name or "", code or "").items():
            if field not in self.errors:
                self.add_error(field, message)
        if not self.errors:
            self.organization = Organization(
                name=" ".join(name.split()), kind=org_kind, credit_code=code, region=cleaned["region"]
            )

    def _clean_join(self, cleaned):
        name, code = cleaned.get("organization_name"), cleaned.get("credit_code")
        if not name and not code:
            if "credit_code" not in self.errors:
                self.add_error("organization_name", _("请填写要加入的单位的名称或统一社会信用代码。"))
            return
        self.organization = services.find_organization(name=name or "", credit_code=code or "")
        if self.organization is None:
            self.add_error(
                "credit_code" if code else "organization_name",
                _("平台上没有这家单位，请核对；如果本单位尚未登记，请选择“登记新单位”。"),
            )


class InvitationAcceptForm(AccountForm):
    """A new account from an invitation link: the email is the invited one and cannot be changed."""

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["email"].disabled = True
        self.fields["email"].initial = invitation.email


class InvitationForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("单位"), queryset=Organization.objects.none())
    email = forms.EmailField(label=_("受邀人邮箱"))
    role = forms.ChoiceField(label=_("角色"), choices=[(r.value, r.label) for r in ORGANIZATION_ROLES])

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["role"].initial = Role.EXTERNAL_USER
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]


class BulkDecisionForm(forms.Form):
    ids = IdListField()
    action = forms.CharField()
    comment = forms.CharField(required=False, max_length=1000)
