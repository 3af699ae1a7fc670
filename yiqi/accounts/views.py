from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from yiqi.organizations.models import Organization

from . import membership, national_signon, services
from .access import access_for
from .forms import (
    BulkDecisionForm,
    ChangePasswordForm,
    InvitationAcceptForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
    RegistrationForm,
    ResetPasswordForm,
)
from .models import JoinRequest, NationalIdentity, User
from .tokens import issue_token, revoke_token, token_lifetime, tokens_of

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _form_errors(form, error: ValidationError, fallback: str = "__all__"):
    """A service's field errors onto the form (its ``name`` is the form's ``organization_name``)."""
    for field, messages_ in error.message_dict.items():
        field = {"name": "organization_name"}.get(field, field)
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(national_signon=national_signon.provider() is not None, **kwargs)


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def form_valid(self, form):
        user, data = form.save(commit=False), form.cleaned_data
        try:
            if data["account_type"] == form.NEW_ORGANIZATION:
                services.register_with_new_organization(
                    user=user, password=data["password1"], organization=form.organization
                )
                done = _("注册成功，您的单位已登记，欢迎使用。")
            elif data["account_type"] == form.JOIN:
                membership.register_and_request_to_join(
                    user=user,
                    password=data["password1"],
                    organization=form.organization,
                    message=data["message"],
                )
                done = _("注册成功。加入“%(org)s”的申请已提交，经单位管理员批准后生效。") % {
                    "org": form.organization.name
                }
            else:
                services.register_individual(user=user, password=data["password1"])
                done = _("注册成功，欢迎使用。")
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        login(self.request, user, backend=MODEL_BACKEND)
        messages.success(self.request, done)
        return redirect("portal:workspace")


class InvitationView(View):
    """GET shows the invitation (and, to a visitor, the form for a new account); POST accepts it."""

    template_name = "accounts/invitation.html"

    def dispatch(self, request, token):
        self.invitation = membership.find_invitation(token)
        self.problem = membership.invitation_problem(self.invitation)
        return super().dispatch(request, token)

    def render(self, form=None, status=200):
        if form is None and not self.problem and not self.request.user.is_authenticated:
            form = InvitationAcceptForm(invitation=self.invitation)
        context = {"invitation": self.invitation, "problem": self.problem, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.render(status=200 if not self.problem else 410 if self.invitation else 404)

    def post(self, request, token):
        if self.problem:
            return self.render(status=410 if self.invitation else 404)
        try:
            if request.user.is_authenticated:
                membership.accept_invitation(self.invitation, user=request.user)
                user = request.user
            else:
                form = InvitationAcceptForm(request.POST, invitation=self.invitation)
                if not form.is_valid():
                    return self.render(form)
                user = membership.register_by_invitation(
                    self.invitation, user=form.save(commit=False), password=form.cleaned_data["password1"]
                )
                login(request, user, backend=MODEL_BACKEND)
        except ValidationError as error:
            messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
            return redirect(request.path)
        messages.success(
            request,
            _("您已加入“%(org)s”，角色：%(role)s。")
            % {"org": self.invitation.scope.name, "role": self.invitation.get_role_display()},
        )
        return redirect("portal:workspace")


class MembershipAdminMixin(LoginRequiredMixin):
    """Unit admins and the platform administrator; 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.access = access_for(request.user)
            if not services.manages_members(self.access):
                raise PermissionDenied(_("成员管理仅对单位管理员和平台管理员开放。"))
        return super().dispatch(request, *args, **kwargs)


class MembersView(MembershipAdminMixin, TemplateView):
    """A unit admin's members page: invite people, see invitations, decide join requests."""

    template_name = "accounts/members.html"

    def organizations(self):
        return Organization.objects.filter(pk__in=self.access.unit_admin_unit_ids).order_by("name")

    def get_context_data(self, form=None, **kwargs):
        organizations = self.organizations()
        return super().get_context_data(
            form=form or (InvitationForm(organizations=organizations) if organizations else None),
            invitations=membership.invitations_for(self.access)[:100],
            join_requests=membership.join_requests_for(self.access)[:100],
            **kwargs,
        )

    def post(self, request):
        form = InvitationForm(request.POST, organizations=self.organizations())
        if form.is_valid():
            try:
                invitation = membership.invite(
                    organization=form.cleaned_data["organization"],
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    link_for=lambda token: request.build_absolute_uri(
                        reverse("accounts:invitation", args=[token])
                    ),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("邀请已发送至 %(email)s。") % {"email": invitation.email})
                return redirect("accounts:members")
        return self.render_to_response(self.get_context_data(form=form), status=200)


class InvitationRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(membership.invitations_for(access_for(request.user)), pk=pk)
        try:
            membership.revoke_invitation(invitation, actor=request.user)
            messages.success(request, _("邀请已撤销。"))
        except ValidationError as error:
            messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("accounts:members")


class JoinRequestDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        join_request = get_object_or_404(membership.join_requests_for(access_for(request.user)), pk=pk)
        action = request.POST.get("action", "")
        try:
            membership.decide_join_request(join_request, action, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        else:
            messages.success(request, _("已处理 %(user)s 的申请。") % {"user": join_request.user})
        return redirect("accounts:members")


class JoinRequestBulkView(MembershipAdminMixin, View):
    """Approve or reject the ticked join requests with one comment."""

    def post(self, request):
        form = BulkDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("accounts:members")
        data = form.cleaned_data
        try:
            outcome = membership.decide_join_requests(
                data["ids"], data["action"], actor=request.user, comment=data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:members")
        if outcome.done:
            messages.success(request, _("已处理 %(count)d 份申请。") % {"count": len(outcome.done)})
        for join_request, reason in outcome.refused:
            messages.error(request, f"{join_request.user}：{reason}")
        return redirect("accounts:members")


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            roles=user.role_assignments.select_related("organization", "department"),
            join_requests=membership.my_join_requests(user).filter(status=JoinRequest.Status.PENDING),
            tokens=tokens_of(user),
            api_token_days=token_lifetime().days,
            language_choices=User._meta.get_field("language").choices,
            national_signon=national_signon.provider() is not None,
            national_identity=NationalIdentity.objects.filter(user=user).first(),
            **kwargs,
        )

    def post(self, request):
        """Choose the language of one's messages, issue a new API token (shown on this page once) or revoke one."""
        if "language" in request.POST:
            if services.set_message_language(request.user, request.POST["language"]):
                messages.success(request, _("今后的消息和邮件将使用所选语言。"))
            return redirect("accounts:profile")
        if "revoke" in request.POST:
            if revoke_token(request.user, request.POST["revoke"]):
                messages.success(request, _("API 令牌已撤销，使用它的系统将无法再访问。"))
            else:
                messages.error(request, _("没有找到这个 API 令牌，可能已被撤销。"))
            return redirect("accounts:profile")
        instance, token = issue_token(request.user)
        # Rendered, not redirected: the token is shown once and never stored anywhere but this response.
        response = self.render_to_response(
            self.get_context_data(new_token=token, new_token_expiry=instance.expiry)
        )
        add_never_cache_headers(response)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetPasswordForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_done.html"
