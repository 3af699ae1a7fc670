from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from .forms import LoginForm, RegistrationForm
from .services import register_external_user
from .tokens import issue_token, revoke_token, token_lifetime, tokens_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def form_valid(self, form):
        user = register_external_user(
            user=form.save(commit=False),
            password=form.cleaned_data["password1"],
            organization=form.organization,
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("注册成功，欢迎使用。"))
        return redirect("portal:workspace")


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            roles=user.role_assignments.select_related("organization", "department"),
            tokens=tokens_of(user),
            api_token_days=token_lifetime().days,
            **kwargs,
        )

    def post(self, request):
        """Issue a new API token (shown on this page once) or revoke one of the user's tokens."""
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
