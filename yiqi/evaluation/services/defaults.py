"""The shipped schemes as data: the Shaanxi 2023 table (policy 004, annex 2; the default) and a national-style
9-indicator example. Their names and labels are stored data the authority edits, not interface text."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Indicator, Scheme
from .schemes import problems

SHAANXI_2023 = "陕西省科研设施与仪器开放共享评价（2023）"
NATIONAL_STYLE = "中央级单位开放共享评价（示例，9项二级指标）"


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
