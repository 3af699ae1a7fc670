"""Programmes: who runs them (the authority), who sees them, their rules as data (covered share by price band,
caps, dates), and opening one."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.fees.services import parse_money
from yiqi.organizations.models import Organization

from ..models import Programme

# Far above any province's yearly voucher budget; catches an amount typed in fen.
MAX_BUDGET = Decimal("10000000000.00")
MAX_CAP = Decimal("100000000.00")


def is_authority(access: Access, programme: Programme) -> bool:
    """The programme's authority: admins of its department, and the platform admin."""
    return access.is_platform_admin or programme.authority_id in access.department_ids


def authority_programmes(access: Access) -> QuerySet[Programme]:
    if access.is_platform_admin:
        return Programme.objects.all()
    return Programme.objects.filter(authority_id__in=access.department_ids)


def visible_programmes(access: Access) -> QuerySet[Programme]:
    """A programme's rules are public to everyone signed in: companies and providers decide by them."""
    if not access.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.all()


def covered_share(programme: Programme, price: Decimal) -> Decimal:
    """The share of a service priced ``price`` a voucher may pay: the lowest band whose bound is not below it.
    Reads prefetched ``bands`` when given. No band: nothing is covered."""
    bands = sorted(programme.bands.all(), key=lambda b: (b.up_to is None, b.up_to or 0))
    for band in bands:
        if band.up_to is None or price <= band.up_to:
            return band.covered_share
    return Decimal("0")


def require_usable(programme: Programme, doing: str) -> None:
    """Vouchers are used up to the programme's use-by date (Asia/Shanghai)."""
    if timezone.localdate() > programme.use_by:
        raise ValidationError(
            {
                "amount": [
                    _("创新券已于 %(date)s 到期，不能%(doing)s。")
                    % {"date": programme.use_by, "doing": doing}
                ]
            }
        )


def parse_share(value, field: str) -> Decimal:
    """A share between 0 (exclusive) and 1 typed as 0.5 or 50%."""
    text = str(value or "").strip()
    try:
        share = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: [_("请填写 0 到 1 之间的比例，如 0.5 或 50%。")]}) from None
    if not share.is_finite() or share <= 0 or share > 1:
        raise ValidationError({field: [_("请填写 0 到 1 之间的比例，如 0.5 或 50%。")]})
    if share != share.quantize(Decimal("0.0001")):
        raise ValidationError({field: [_("比例最多保留四位小数。")]})
    return share


def parse_bands(rows) -> list[tuple[Decimal | None, Decimal]]:
    """Price bands from [(up_to or None, share), ...]: distinct bounds, at most one open band."""
    bands, seen = [], set()
    for up_to, share in rows:
        bound = None if up_to in (None, "", "*") else _money(up_to, "bands", MAX_CAP)
        if bound is not None and bound <= 0:
            raise ValidationError({"bands": [_("价格档上限必须大于零。")]})
        if bound in seen:
            raise ValidationError({"bands": [_("价格档上限不能重复。")]})
        seen.add(bound)
        bands.append((bound, parse_share(share, "bands")))
    if not bands:
        raise ValidationError({"bands": [_("请至少设置一个抵扣比例档。")]})
    return bands


def _money(value, field: str, maximum: Decimal) -> Decimal:
    try:
        return parse_money(value, maximum=maximum)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def open_programme(access: Access, *, authority, region, bands, parent=None, **fields) -> Programme:
    """The authority opens a programme for a year; every limit is checked and nothing is saved on any error."""
    if not (access.is_platform_admin or authority.pk in access.department_ids):
        raise PermissionDenied(_("只有主管机关可以设立创新券计划。"))
    errors: dict[str, list[str]] = {}
    values = {}
    for field, maximum in (
        ("budget", MAX_BUDGET),
        ("per_application_cap", MAX_CAP),
        ("per_year_cap", MAX_CAP),
    ):
        try:
            values[field] = _money(fields.get(field), field, maximum)
            if values[field] <= 0:
                errors[field] = [_("金额必须大于零。")]
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and values["per_application_cap"] > values["per_year_cap"]:
        errors["per_application_cap"] = [_("单次申请上限不能超过每家企业年度上限。")]
    use_by, cash_by = fields.get("use_by"), fields.get("cash_by")
    if not isinstance(use_by, dt.date):
        errors["use_by"] = [_("请填写使用截止日期。")]
    if not isinstance(cash_by, dt.date):
        errors["cash_by"] = [_("请填写兑付申请截止日期。")]
    elif isinstance(use_by, dt.date) and cash_by < use_by:
        errors["cash_by"] = [_("兑付申请截止日期不能早于使用截止日期。")]
    kinds = list(fields.get("eligible_kinds") or [Organization.Kind.ENTERPRISE])
    if any(kind not in Organization.Kind.values for kind in kinds):
        errors["eligible_kinds"] = [_("单位类型无效。")]
    parent_share = Decimal("0")
    if parent is not None:
        try:
            parent_share = parse_share(fields.get("parent_share") or "0.0001", "parent_share")
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        parsed_bands = parse_bands(bands)
    except ValidationError as error:
        errors.update(error.message_dict)
    name = (fields.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("请填写计划名称（不超过 100 字）。")]
    year = fields.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("请填写年度，如 2026。")]
    elif Programme.objects.filter(authority=authority, year=year, name=name).exists():
        errors["name"] = [_("该年度已有同名计划。")]
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(
        name=name,
        year=year,
        level=fields.get("level") or Programme.Level.PROVINCE,
        authority=authority,
        region=region,
        parent=parent,
        parent_share=parent_share,
        eligible_kinds=kinds,
        use_by=use_by,
        cash_by=cash_by,
        **values,
    )
    programme.bands.bulk_create(
        [
            programme.bands.model(programme=programme, up_to=up_to, covered_share=share)
            for up_to, share in parsed_bands
        ]
    )
    return programme


def programme_filter(access: Access, field: str = "programme") -> Q:
    """Rows of programmes the user runs (platform admin: all). Never an empty Q: ``Q() | other`` is ``other``."""
    if access.is_platform_admin:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__authority_id__in": access.department_ids})
