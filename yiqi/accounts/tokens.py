"""API tokens for units' own systems: stored only as a digest, each with an expiry, listed and revocable.

django-rest-knox keeps a SHA-512 digest of each token and its first 15 characters (to find the row); the token
itself is shown once, when it is issued. A token expires ``YIQI_API_TOKEN_DAYS`` after it was issued. A request
with an expired token is refused without touching the database (GET requests never write); the nightly task
removes expired tokens.
"""

import binascii
from datetime import timedelta
from hmac import compare_digest

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

# Issuing one more live token than this retires the user's oldest: a script that asks for a token on every run
# cannot fill the table.
MAX_TOKENS_PER_USER = 10


def token_lifetime() -> timedelta:
    return timedelta(days=settings.YIQI_API_TOKEN_DAYS)


@transaction.atomic
def issue_token(user) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored row and the token itself (which is not stored)."""
    live = live_tokens_of(user).select_for_update().order_by("-created")
    for retired in live[MAX_TOKENS_PER_USER - 1 :]:
        retired.delete()
    return AuthToken.objects.create(user=user, expiry=token_lifetime())


def tokens_of(user) -> QuerySet[AuthToken]:
    """Every token of ``user``, newest first, each with ``is_expired`` (expired ones stay until the nightly clean-up)."""
    expired = ExpressionWrapper(Q(expiry__lte=timezone.now()), output_field=BooleanField())
    return AuthToken.objects.filter(user=user).annotate(is_expired=expired).order_by("-created")


def live_tokens_of(user) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now())


def revoke_token(user, token_key: str) -> bool:
    """Delete ``user``'s token that starts with ``token_key``; False if ``user`` has no such token."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``: knox's digest check, but an expired token is refused, not deleted."""

    def authenticate_credentials(self, token: bytes):
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error) as error:
            raise exceptions.AuthenticationFailed(_("API 令牌无效。")) from error
        candidates = AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "user"
        )
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                if candidate.expiry is not None and candidate.expiry <= timezone.now():
                    raise exceptions.AuthenticationFailed(_("API 令牌已过期，请在个人信息页生成新令牌。"))
                return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(_("API 令牌无效。"))

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(_("该账号已停用。"))
        return auth_token.user, auth_token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The API schema (``/api/schema/``) documents the header: ``Authorization: Token <token>``."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
