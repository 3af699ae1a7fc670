"""API keys of units' own systems: issued by the unit's administrator, shown once, stored as a SHA-256 digest,
limited to scopes and to the unit, expiring, revocable at once.

A key is ``<prefix>.<secret>``: the prefix (public) finds the row, the secret (32 random bytes) is compared by
digest in constant time. What a key may do is the unit administrator's reach in its own unit, narrowed by scopes.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.core.models import AuditEvent

from ..models import UnitKey

Scope = UnitKey.Scope
MAX_LIVE_KEYS_PER_UNIT = 20


class KeyRefused(Exception):
    """Why a request's key was refused: ``code`` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def managed_units(access: Access) -> set[int]:
    return set(access.unit_admin_unit_ids)


def manages_unit_systems(access: Access) -> bool:
    return bool(managed_units(access))


def visible_keys(access: Access) -> QuerySet[UnitKey]:
    return UnitKey.objects.filter(unit_id__in=managed_units(access)).select_related("unit")


@transaction.atomic
def issue_key(
    access: Access, *, unit, name: str, scopes: list[str], days: int | None, actor
) -> tuple[UnitKey, str]:
    """A new key for ``unit``; returns the row and the key itself, which is shown this once."""
    if unit.pk not in managed_units(access):
        raise PermissionDenied(_("只有本单位管理员可以为单位系统生成密钥。"))
    errors = {}
    if not name.strip():
        errors["name"] = [_("请填写密钥用途，例如“实验室 LIMS”。")]
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes or unknown:
        errors["scopes"] = [_("请选择权限范围：%(choices)s。") % {"choices": ", ".join(Scope.values)}]
    days = days or settings.YIQI_UNIT_KEY_DAYS
    if not 1 <= days <= 366:
        errors["days"] = [_("有效期须在 1 至 366 天之间。")]
    live = UnitKey.objects.filter(unit=unit, revoked_at__isnull=True, expires_at__gt=timezone.now())
    if live.count() >= MAX_LIVE_KEYS_PER_UNIT:
        errors["name"] = [
            _("本单位有效密钥已达 %(n)s 个，请先停用不用的密钥。") % {"n": MAX_LIVE_KEYS_PER_UNIT}
        ]
    if errors:
        raise ValidationError(errors)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = UnitKey.objects.create(
        unit=unit,
        name=name.strip()[:100],
        prefix=prefix,
        secret_digest=_digest(secret),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    AuditEvent.record(key, "issue", actor=actor, data={"scopes": key.scopes})
    return key, f"{prefix}.{secret}"


@transaction.atomic
def revoke_key(access: Access, key: UnitKey, *, actor) -> UnitKey:
    """The key stops working with the next request."""
    if key.unit_id not in managed_units(access):
        raise PermissionDenied(_("只有本单位管理员可以停用密钥。"))
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        AuditEvent.record(key, "revoke", actor=actor)
    return key


def authenticate(presented: str) -> UnitKey:
    """The live key ``presented`` names, or ``KeyRefused`` with why."""
    prefix, _dot, secret = presented.strip().partition(".")
    key = UnitKey.objects.select_related("unit").filter(prefix=prefix).first() if prefix and secret else None
    if key is None or not hmac.compare_digest(_digest(secret), key.secret_digest):
        raise KeyRefused("key_invalid", _("单位系统密钥无效。"))
    if key.revoked_at is not None:
        raise KeyRefused("key_revoked", _("该密钥已停用。"))
    if key.expires_at <= timezone.now():
        raise KeyRefused("key_expired", _("该密钥已过期，请单位管理员生成新密钥。"))
    return key


def note_use(key: UnitKey) -> None:
    """Remember when the key last pushed, at most once a minute (a busy system must not write on every call)."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        UnitKey.objects.filter(pk=key.pk).update(last_used_at=now)


def require_scope(key: UnitKey, scope: str) -> None:
    if scope not in key.scopes:
        raise KeyRefused("scope_missing", _("该密钥没有“%(scope)s”权限。") % {"scope": Scope(scope).label})


def key_access(key: UnitKey) -> Access:
    """What the unit's system may reach: its own unit, as the unit's administrator would."""
    return Access(user_id=None, organization_roles={key.unit_id: frozenset({Role.UNIT_ADMIN})})
