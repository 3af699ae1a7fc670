"""National sign-on: people with an account on the national platform log in with it (OAuth2 authorization code
with PKCE, then the provider's user info). Off unless ``YIQI_NATIONAL_SSO_CLIENT_ID`` is set.

Nothing is written before the provider has vouched for the person. The flow's state and the provider's answer
travel in short-lived signed cookies (the views'), so starting and returning write nothing but the login itself;
a new account, or a link to the account someone is signed in with, is made only on a POST they confirm. Accounts are
never matched by email: an address the national platform vouches for is not proof of owning ours."""

import hashlib
import secrets
from dataclasses import asdict, dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.core.models import AuditEvent

from .models import NationalIdentity, User

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Provider:
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    scope: str


@dataclass(frozen=True)
class NationalClaims:
    """Who the national platform says the person is."""

    subject: str
    name: str = ""
    email: str = ""
    phone: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class SignOnFailed(Exception):
    """The sign-on cannot go on; the message says why, for the person."""


def provider() -> Provider | None:
    sso = settings.YIQI_NATIONAL_SSO
    return Provider(**sso) if sso.get("client_id") else None


def _session(found: Provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        found.client_id,
        found.client_secret,
        scope=found.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def start(redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorisation address to send the person to, and the flow to keep until they return."""
    found = provider()
    verifier = secrets.token_urlsafe(48)
    url, state = _session(found, redirect_uri).create_authorization_url(
        found.authorize_url, code_verifier=verifier
    )
    return url, {"state": state, "verifier": verifier}


def finish(flow: dict | None, *, state: str, code: str, redirect_uri: str) -> NationalClaims:
    """Trade the returned code for a token and read who the person is. Refuses a return that does not belong to
    the flow this browser started (another site's link, a replay, an expired flow)."""
    found = provider()
    if not flow or not code or not state or not secrets.compare_digest(str(flow.get("state", "")), state):
        raise SignOnFailed(_("国家平台登录已失效或不是从本站发起的，请重新登录。"))
    client = _session(found, redirect_uri)
    try:
        client.fetch_token(
            found.token_url, code=code, code_verifier=flow["verifier"], timeout=TIMEOUT_SECONDS
        )
        answer = client.get(found.userinfo_url, timeout=TIMEOUT_SECONDS)
        answer.raise_for_status()
        info = answer.json()
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise SignOnFailed(_("国家平台暂时无法完成登录，请稍后重试。")) from error
    return _claims(info)


def _claims(info) -> NationalClaims:
    subject = str(info.get("sub") or "").strip() if isinstance(info, dict) else ""
    if not subject or len(subject) > 255:
        raise SignOnFailed(_("国家平台没有提供有效的账号标识，无法登录。"))

    def text(key, limit):
        value = info.get(key)
        return " ".join(value.split())[:limit] if isinstance(value, str) else ""

    return NationalClaims(
        subject=subject,
        name=text("name", 50),
        email=text("email", 254),
        phone=text("phone_number", 20) or text("phone", 20),
    )


def known_user(claims: NationalClaims) -> User | None:
    """The account linked to this national identity, its last sign-in noted; None if none is linked yet."""
    identity = NationalIdentity.objects.select_related("user").filter(subject=claims.subject).first()
    if identity is None:
        return None
    if not identity.user.is_active:
        raise SignOnFailed(_("与该国家平台账号关联的账号已停用，请联系平台管理员。"))
    NationalIdentity.objects.filter(pk=identity.pk).update(last_signed_in_at=timezone.now())
    return identity.user


def _free_email(email: str) -> str:
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return "" if User.objects.filter(email__iexact=email).exists() else email


def create_account(claims: NationalClaims) -> User:
    """A new account for a person the national platform vouches for: no password (they sign in through the
    national platform, or set one by password reset), no role anywhere, like a self-registered individual."""
    username = "national-" + hashlib.sha256(claims.subject.encode()).hexdigest()[:16]
    user = User(
        username=username,
        full_name=claims.name,
        email=_free_email(claims.email) if claims.email else "",
        phone=claims.phone,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        user.full_name, user.phone = (
            "",
            "",
        )  # what the provider sent does not fit ours; the person edits it later
    try:
        with transaction.atomic():
            user.save()
            NationalIdentity.objects.create(
                user=user, subject=claims.subject, last_signed_in_at=timezone.now()
            )
            AuditEvent.record(user, "national_link", actor=user, comment=_("以国家平台账号注册"))
    except IntegrityError as error:  # the same person confirmed twice at once
        raise SignOnFailed(_("该国家平台账号刚刚已关联账号，请重新登录。")) from error
    return user


def link(user: User, claims: NationalClaims) -> NationalIdentity:
    """Link the national identity to the account the person is signed in with."""
    if NationalIdentity.objects.filter(user=user).exists():
        raise SignOnFailed(_("您的账号已关联一个国家平台账号，请先解除关联。"))
    try:
        with transaction.atomic():
            identity = NationalIdentity.objects.create(
                user=user, subject=claims.subject, last_signed_in_at=timezone.now()
            )
            AuditEvent.record(user, "national_link", actor=user)
    except IntegrityError as error:
        raise SignOnFailed(_("该国家平台账号已关联其他账号。")) from error
    return identity


def unlink(user: User) -> None:
    """Remove the link; refused while the national platform is the only way into the account."""
    identity = NationalIdentity.objects.filter(user=user).first()
    if identity is None:
        raise SignOnFailed(_("您的账号没有关联国家平台账号。"))
    if not user.has_usable_password():
        raise SignOnFailed(_("请先设置密码再解除关联，否则将无法登录。"))
    with transaction.atomic():
        AuditEvent.record(user, "national_unlink", actor=user)
        identity.delete()
