"""Schemes as data: validate a tree's points, copy a version to edit it, activate it; the shipped defaults."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent

from ..models import Indicator, Scheme
from . import scoring
from .figures import FIGURES


def is_authority(access: Access) -> bool:
    return access.is_platform_admin


def problems(scheme: Scheme) -> dict[str, list[str]]:
    """Why the scheme cannot be used, by field: points that do not add up, leaves without a formula or method."""
    nodes = list(scheme.indicators.all())
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    errors: dict[str, list[str]] = {}
    top = sum((n.points for n in children.get(None, [])), Decimal(0))
    if top != scheme.total_points:
        errors.setdefault("points", []).append(
            _("一级指标分值合计 %(sum)s，与方案总分 %(total)s 不符。")
            % {"sum": top, "total": scheme.total_points}
        )
    codes = {n.code for n in nodes}
    for node in nodes:
        kids = children.get(node.pk, [])
        if kids:
            total = sum((k.points for k in kids), Decimal(0))
            if total != node.points:
                errors.setdefault("points", []).append(
                    _("指标 %(code)s 分值 %(points)s，其下级指标合计 %(sum)s，不相等。")
                    % {"code": node.code, "points": node.points, "sum": total}
                )
        elif node.kind == Indicator.Kind.COMPUTED:
            if node.figure not in FIGURES or node.method not in ("linear", "per_step", "bands", "rank"):
                errors.setdefault("figure", []).append(
                    _("计算指标 %(code)s 须选择已登记的计算公式和计分方法。") % {"code": node.code}
                )
            else:
                try:
                    scoring.check_params(node.method, node.params, node.points)
                except ValidationError:
                    errors.setdefault("params", []).append(
                        _("指标 %(code)s 的计分参数不完整或无效。") % {"code": node.code}
                    )
        elif node.kind != Indicator.Kind.SCORED:
            errors.setdefault("kind", []).append(_("指标组 %(code)s 没有下级指标。") % {"code": node.code})
    for code in scheme.tie_breaks:
        if code not in codes:
            errors.setdefault("tie_breaks", []).append(
                _("同分排序指标 %(code)s 不在方案中。") % {"code": code}
            )
    return errors


def tree(scheme: Scheme) -> list[tuple[int, Indicator]]:
    """The scheme's indicators in reading order, each with its depth (0 for first-level)."""
    children: dict = {}
    for node in scheme.indicators.all():  # ordered by position
        children.setdefault(node.parent_id, []).append(node)
    ordered = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            ordered.append((depth, node))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def leaves(scheme: Scheme) -> list[Indicator]:
    nodes = [node for _depth, node in tree(scheme)]
    parents = {n.parent_id for n in nodes}
    return [n for n in nodes if n.pk not in parents]


@transaction.atomic
def activate(access: Access, scheme: Scheme, *, actor) -> Scheme:
    if not is_authority(access):
        raise PermissionDenied(_("只有平台管理机构可以管理评价方案。"))
    errors = problems(scheme)
    if errors:
        raise ValidationError(errors)
    scheme.status = Scheme.Status.ACTIVE
    scheme.save(update_fields=["status"])
    AuditEvent.record(scheme, "activate", actor=actor, from_state="draft", to_state="active")
    return scheme


@transaction.atomic
def copy(access: Access, scheme: Scheme, *, actor, name: str = "") -> Scheme:
    """A new draft version of ``scheme`` (or a new scheme, version 1, under ``name``) to edit without code."""
    if not is_authority(access):
        raise PermissionDenied(_("只有平台管理机构可以管理评价方案。"))
    name = (name or scheme.name).strip()
    version = (Scheme.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1
    fields = {
        f.name: getattr(scheme, f.name)
        for f in Scheme._meta.concrete_fields
        if f.name not in ("id", "name", "version", "based_on", "status", "created_at")
    }
    new = Scheme.objects.create(name=name, version=version, based_on=scheme, **fields)
    mapping: dict = {}  # old indicator id -> new one; parents are copied before their children
    pending = list(scheme.indicators.all())
    while pending:
        ready = [n for n in pending if n.parent_id is None or n.parent_id in mapping]
        for node in ready:
            old_pk = node.pk
            node.pk, node.scheme, node.parent_id = None, new, mapping.get(node.parent_id)
            node.save()
            mapping[old_pk] = node.pk
        pending = [n for n in pending if n not in ready]
    AuditEvent.record(new, "create", actor=actor, to_state="draft", data={"based_on": scheme.pk})
    return new


def _draft(access: Access, scheme: Scheme) -> None:
    if not is_authority(access):
        raise PermissionDenied(_("只有平台管理机构可以管理评价方案。"))
    if scheme.status != Scheme.Status.DRAFT:
        raise ValidationError({"scheme": [_("已启用的方案版本不能修改，请复制为新版本后编辑。")]})


@transaction.atomic
def edit_indicator(access: Access, indicator: Indicator, *, actor, name, points, params, guide) -> Indicator:
    """Change one indicator of a draft; whether the points still add up is checked on activation."""
    _draft(access, indicator.scheme)
    errors: dict = {}
    if points is None or points <= 0:
        errors["points"] = [_("分值应大于 0。")]
    if indicator.kind == Indicator.Kind.COMPUTED and not errors:
        try:
            scoring.check_params(indicator.method, params, points)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    before = {"name": indicator.name, "points": str(indicator.points), "params": indicator.params}
    indicator.name, indicator.points, indicator.guide = name, points, guide
    if indicator.kind == Indicator.Kind.COMPUTED:
        indicator.params = params
    indicator.full_clean(exclude=["scheme", "parent"])
    indicator.save()
    AuditEvent.record(
        indicator.scheme, "edit", actor=actor, data={"indicator": indicator.code, "before": before}
    )
    return indicator


@transaction.atomic
def edit_grade_lines(
    access: Access, scheme: Scheme, *, actor, excellent_from, good_from, pass_from
) -> Scheme:
    _draft(access, scheme)
    if not excellent_from > good_from > pass_from > 0:
        raise ValidationError({"good_from": [_("分数线应为：优秀 > 良好 > 合格 > 0。")]})
    if excellent_from > scheme.total_points:
        raise ValidationError({"excellent_from": [_("优秀分数线不能高于方案总分。")]})
    scheme.excellent_from, scheme.good_from, scheme.pass_from = excellent_from, good_from, pass_from
    scheme.save(update_fields=["excellent_from", "good_from", "pass_from"])
    AuditEvent.record(
        scheme,
        "edit",
        actor=actor,
        data={"grade_lines": [str(excellent_from), str(good_from), str(pass_from)]},
    )
    return scheme
