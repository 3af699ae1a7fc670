"""Helpers shared by ratings and complaints: the length message, the empty scope, the unit's side."""

from django.db.models import Q
from django.utils.translation import gettext as _

from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role


def no_rows() -> Q:
    return Q(pk__in=[])


def too_long(text: str, limit: int, label: str = "") -> str:
    values = {"limit": limit, "n": len(text), "label": label}
    if label:
        return _("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。") % values
    return _("不能超过 %(limit)d 字（现为 %(n)d 字）。") % values


def unit_side(unit_id: int, instrument=None) -> list:
    """Who answers for a unit's service: its admins and, when an instrument is concerned, its manager."""
    users = list(users_with_role(Role.UNIT_ADMIN, organization_id=unit_id))
    if instrument is not None and instrument.manager_id and instrument.unit_id == unit_id:
        users.append(instrument.manager)
    return users
