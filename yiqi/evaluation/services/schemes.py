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

SHAANXI_2023 = "陕西省科研设施与仪器开放共享评价（2023）"
NATIONAL_STYLE = "中央级单位开放共享评价（示例，9项二级指标）"


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


def _build(name: str, description: str, tree: list, **fields) -> Scheme:
    scheme = Scheme.objects.create(name=name, description=description, **fields)
    for position, (code, label, pts, children) in enumerate(tree):
        group = Indicator.objects.create(
            scheme=scheme,
            code=code,
            name=label,
            points=Decimal(pts),
            kind=Indicator.Kind.GROUP,
            position=position,
        )
        for sub, (code2, label2, pts2, spec) in enumerate(children):
            Indicator.objects.create(
                scheme=scheme,
                parent=group,
                code=code2,
                name=label2,
                points=Decimal(pts2),
                position=sub,
                **spec,
            )
    errors = problems(scheme)
    if errors:  # the shipped tables are right by construction; say so loudly if an edit breaks one
        raise ValidationError(errors)
    scheme.status = Scheme.Status.ACTIVE
    scheme.save(update_fields=["status"])
    return scheme


def _computed(figure, method, **params):
    return {"kind": Indicator.Kind.COMPUTED, "figure": figure, "method": method, "params": params}


def _scored(guide):
    return {"kind": Indicator.Kind.SCORED, "method": Indicator.Method.EXPERT, "guide": guide}


@transaction.atomic
def ensure_defaults() -> list[Scheme]:
    """The Shaanxi 2023 table (policy 004, annex 2) and a national-style 9-indicator example, once each."""
    made = []
    if not Scheme.objects.filter(name=SHAANXI_2023).exists():
        sharing_bands = [["0.30", 10], ["0.20", 8], ["0.10", 6], ["0.01", 3]]
        made.append(
            _build(
                SHAANXI_2023,
                "陕西省 2023 年评价考核表（附件 2）。开放率门槛 20 万元；有效机时对标 1,600 小时/年。",
                [
                    (
                        "1",
                        "组织管理",
                        40,
                        [
                            ("1.1", "购置统筹", 5, _scored("新购仪器查重评议、统筹配置情况。")),
                            (
                                "1.2",
                                "20万元以上仪器开放率",
                                10,
                                _computed("open_rate", "linear", benchmark="1"),
                            ),
                            ("1.3", "技术队伍", 10, _scored("实验技术人员数量、培训与激励。")),
                            ("1.4", "在线服务平台", 15, _computed("bookable_share", "linear", benchmark="1")),
                        ],
                    ),
                    (
                        "2",
                        "运行使用",
                        40,
                        [
                            (
                                "2.1",
                                "年均有效工作机时",
                                20,
                                _computed("effective_hours", "linear", benchmark="1600"),
                            ),
                            ("2.2", "应用成果", 20, _scored("论文、专利、标准、奖励与项目支撑情况。")),
                        ],
                    ),
                    (
                        "3",
                        "共享服务",
                        20,
                        [
                            ("3.1", "共享率", 10, _computed("sharing_rate", "bands", bands=sharing_bands)),
                            (
                                "3.2",
                                "对外服务成效与用户评价",
                                10,
                                _computed("rating_average", "linear", benchmark="5"),
                            ),
                        ],
                    ),
                ],
                value_threshold=Decimal("200000"),
                tie_breaks=["3.1", "2.1"],
            )
        )
    if not Scheme.objects.filter(name=NATIONAL_STYLE).exists():
        made.append(
            _build(
                NATIONAL_STYLE,
                "仿中央级单位评价办法的 3 项一级、9 项二级指标；门槛 50 万元；同分以共享得分排序。权重为示例。",
                [
                    (
                        "A",
                        "运行使用",
                        40,
                        [
                            (
                                "A1",
                                "年均有效工作机时",
                                15,
                                _computed("effective_hours", "per_step", step="100", each="1"),
                            ),
                            ("A2", "开放率", 10, _computed("open_rate", "linear", benchmark="1")),
                            (
                                "A3",
                                "远程监测覆盖率",
                                5,
                                _computed("monitoring_coverage", "linear", benchmark="1"),
                            ),
                            (
                                "A4",
                                "监测核验机时占比",
                                10,
                                _computed("verified_share", "linear", benchmark="1"),
                            ),
                        ],
                    ),
                    (
                        "B",
                        "共享服务",
                        35,
                        [
                            ("B1", "共享率", 15, _computed("sharing_rate", "rank")),
                            (
                                "B2",
                                "年均对外服务机时",
                                10,
                                _computed("external_hours", "linear", benchmark="273"),
                            ),
                            ("B3", "用户评价", 10, _computed("rating_average", "linear", benchmark="5")),
                        ],
                    ),
                    (
                        "C",
                        "管理与成效",
                        25,
                        [
                            ("C1", "开放共享制度与管理", 10, _scored("制度、机构、人员、经费保障。")),
                            ("C2", "服务成效与典型案例", 15, _scored("支撑科研、产业的典型案例。")),
                        ],
                    ),
                ],
                value_threshold=Decimal("500000"),
                tie_breaks=["B1"],
            )
        )
    return made


def default_scheme() -> Scheme:
    """The latest active version of the Shaanxi 2023 table (shipped on first use)."""
    ensure_defaults()
    return Scheme.objects.filter(name=SHAANXI_2023, status=Scheme.Status.ACTIVE).order_by("-version").first()
