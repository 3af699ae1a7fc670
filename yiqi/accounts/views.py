from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from rest_framework.authtoken.models import Token

from .forms import LoginForm, RegistrationForm
from .services import register_external_user


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
            token=Token.objects.filter(user=user).first(),
            **kwargs,
        )

    def post(self, request):
        """Create or replace the user's API token (for a unit's own systems)."""
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, _("已生成新的 API 令牌，旧令牌失效。"))
        return redirect("accounts:profile")
