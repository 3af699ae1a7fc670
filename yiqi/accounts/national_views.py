"""Pages of national sign-on (rules in national_signon). Every route answers 404 while it is off."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from . import national_signon as signon

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
FLOW_COOKIE, CLAIMS_COOKIE = "yiqi_national_flow", "yiqi_national_claims"
COOKIE_SECONDS = 600  # time to sign in on the national platform, or to confirm a new account


def _redirect_uri() -> str:
    return settings.YIQI_SITE_URL.rstrip("/") + reverse("accounts:national_return")


def _read(request, name):
    try:
        return request.get_signed_cookie(name, salt=name, max_age=COOKIE_SECONDS)
    except (KeyError, signing.BadSignature):
        return None


def _keep(response, name, value):
    response.set_signed_cookie(
        name,
        value,
        salt=name,
        max_age=COOKIE_SECONDS,
        path="/accounts/national/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",  # the provider sends the person back with a top-level GET
    )
    return response


def _forget(response, *names):
    for name in names:
        response.delete_cookie(name, path="/accounts/national/", samesite="Lax")
    return response


def _next(request, candidate) -> str:
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and safe else reverse("portal:workspace")


class NationalView(View):
    def dispatch(self, request, *args, **kwargs):
        if signon.provider() is None:
            raise Http404(_("本平台未开通国家平台账号登录。"))
        return super().dispatch(request, *args, **kwargs)

    def refused(self, message, *forget):
        messages.error(self.request, message)
        return _forget(redirect("accounts:login"), *forget)


class NationalLoginView(NationalView):
    """Send the person to the national platform; the flow waits in a signed cookie, nothing is stored here."""

    def get(self, request):
        url, flow = signon.start(_redirect_uri())
        flow["next"] = _next(request, request.GET.get("next"))
        return _keep(redirect(url), FLOW_COOKIE, signing.dumps(flow, compress=True))


class NationalReturnView(NationalView):
    """Where the national platform sends the person back: a linked account is signed in; anyone else confirms."""

    def get(self, request):
        if request.GET.get("error"):
            return self.refused(_("已取消国家平台账号登录。"), FLOW_COOKIE)
        raw = _read(request, FLOW_COOKIE)
        flow = signing.loads(raw) if raw else None
        try:
            claims = signon.finish(
                flow,
                state=request.GET.get("state", ""),
                code=request.GET.get("code", ""),
                redirect_uri=_redirect_uri(),
            )
            user = signon.known_user(claims)
        except signon.SignOnFailed as error:
            return self.refused(str(error), FLOW_COOKIE)
        if user is not None and request.user.is_authenticated and user != request.user:
            return self.refused(_("该国家平台账号已关联其他账号。"), FLOW_COOKIE)
        if user is not None:
            if user != request.user:
                login(request, user, backend=MODEL_BACKEND)
            return _forget(redirect(flow["next"]), FLOW_COOKIE)
        answer = redirect("accounts:national_confirm")
        return _keep(_forget(answer, FLOW_COOKIE), CLAIMS_COOKIE, signing.dumps(claims.as_dict()))


class NationalConfirmView(NationalView):
    """First sign-in with a national account: make a new account, or link it to the one signed in now."""

    def claims(self):
        raw = _read(self.request, CLAIMS_COOKIE)
        return signon.NationalClaims(**signing.loads(raw)) if raw else None

    def get(self, request):
        if (claims := self.claims()) is None:
            return self.refused(_("国家平台登录已失效，请重新登录。"))
        return render(request, "accounts/national_confirm.html", {"claims": claims})

    def post(self, request):
        if (claims := self.claims()) is None:
            return self.refused(_("国家平台登录已失效，请重新登录。"))
        try:
            if request.user.is_authenticated:
                signon.link(request.user, claims)
                messages.success(request, _("已关联国家平台账号，今后可以用它登录。"))
                return _forget(redirect("accounts:profile"), CLAIMS_COOKIE)
            user = signon.create_account(claims)
        except signon.SignOnFailed as error:
            return self.refused(str(error), CLAIMS_COOKIE)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("账号已创建，欢迎使用。可在个人中心补充资料、设置密码。"))
        return _forget(redirect("portal:workspace"), CLAIMS_COOKIE)


class NationalUnlinkView(LoginRequiredMixin, NationalView):
    def post(self, request):
        try:
            signon.unlink(request.user)
        except signon.SignOnFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已解除与国家平台账号的关联。"))
        return redirect("accounts:profile")
