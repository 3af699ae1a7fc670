"""Demo S&T resources: a few hundred data sets, papers and reports spread over the units, a germplasm bank, a strain
bank and a specimen collection, and some requests at each step (one delivered and rated). Bulk inserts; seconds."""

import random

from django.db import transaction
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment
from yiqi.feedback import services as feedback
from yiqi.organizations.models import Organization
from yiqi.resources import services
from yiqi.resources.models import AccessLevel, Licence, Resource, ResourceKind, ResourceStatus

SUBJECTS = (
    "农业科学",
    "生态学",
    "地球科学",
    "材料科学",
    "生物学",
    "医学",
    "环境科学",
    "化学",
    "能源科学",
    "信息科学",
)
TOPICS = (
    ("黄土高原土壤墒情", "土壤 墒情 干旱"),
    ("秦岭生物多样性", "秦岭 物种 分布"),
    ("渭河流域水质监测", "渭河 水质 氮磷"),
    ("关中城市群大气颗粒物", "PM2.5 大气 污染"),
    ("陕北煤矿区地表沉降", "煤矿 沉降 遥感"),
    ("猕猴桃品质性状", "猕猴桃 品质 育种"),
    ("新型钛合金疲劳性能", "钛合金 疲劳 材料"),
    ("心血管疾病队列随访", "队列 心血管 随访"),
    ("光伏组件衰减", "光伏 衰减 能源"),
    ("古建筑数字化测绘", "古建筑 点云 测绘"),
)
FORMATS = ("CSV", "NetCDF", "GeoTIFF", "Excel", "JSON", "HDF5")
AUTHORS = ("王伟 李娜", "张磊 刘洋", "陈静 杨帆", "赵勇 周敏", "吴强 孙丽")


def _row(rng, kind, unit, n, now) -> Resource:
    topic, keywords = rng.choice(TOPICS)
    year = rng.randint(2012, now.year - 1)
    common = {
        "kind": kind,
        "unit_id": unit,
        "subject": rng.choice(SUBJECTS),
        "keywords": keywords,
        "status": ResourceStatus.PUBLISHED,
        "published_at": now,
    }
    if kind == ResourceKind.DATASET:
        return Resource(
            name=f"{topic}数据集（{year}）{n}",
            description=f"{topic}观测与调查数据，经质量控制后开放共享。",
            access_level=rng.choice(AccessLevel.values),
            time_coverage=f"{year - rng.randint(1, 8)}–{year}",
            space_coverage="陕西省",
            data_format=rng.choice(FORMATS),
            data_size=f"{rng.randint(1, 900)} MB",
            licence=rng.choice(Licence.values),
            doi=f"10.57760/sxdata.{year}.{n:05d}",
            **common,
        )
    return Resource(
        name=f"{topic}{'研究报告' if kind == ResourceKind.REPORT else '研究'}（{year}）{n}",
        access_level=rng.choice((AccessLevel.OPEN, AccessLevel.ON_APPLICATION)),
        authors=rng.choice(AUTHORS),
        publisher="陕西省科学技术厅" if kind == ResourceKind.REPORT else "",
        year=year,
        identifier=f"SXKJ-{year}-{n:04d}" if kind == ResourceKind.REPORT else f"ISSN 1000-{n % 10000:04d}",
        source_title="省重点研发计划" if kind == ResourceKind.REPORT else "西北农林学报",
        **common,
    )


NATURAL = (
    (
        "陕西省农作物种质资源库",
        "germplasm",
        "小麦、玉米、谷子等地方品种",
        18600,
        "科研与育种用途；每份不超过 50 粒，需签署材料转移协议。",
    ),
    (
        "秦岭微生物菌种保藏中心",
        "strain",
        "放线菌、乳酸菌",
        4200,
        "提供冻干菌种，按株收取制备费；病原菌不对外供应。",
    ),
    ("西北植物标本馆", "specimen", "秦岭种子植物", 310000, "标本可预约查阅与拍照，不外借。"),
)


def _holder(role, unit_id):
    assignment = (
        RoleAssignment.objects.filter(role=role, organization_id=unit_id).select_related("user").first()
    )
    return assignment.user if assignment else None


@transaction.atomic
def build_resources(seed: int = 2026, per_kind: int = 120) -> int:
    """The demo resources and requests; returns how many resources were made."""
    rng = random.Random(f"{seed}:resources")
    now = timezone.now()
    units = list(
        Organization.objects.filter(is_management_unit=True).order_by("pk").values_list("pk", flat=True)
    )
    if not units:
        return 0
    rows = [
        _row(rng, kind, rng.choice(units[:40]), n, now)
        for kind in (ResourceKind.DATASET, ResourceKind.LITERATURE, ResourceKind.REPORT)
        for n in range(1, per_kind + 1)
    ]
    for name, natural_kind, species, count, conditions in NATURAL:
        rows.append(
            Resource(
                kind=ResourceKind.NATURAL,
                unit_id=units[0],
                name=name,
                subject="生物学",
                keywords=species,
                access_level=AccessLevel.ON_APPLICATION,
                natural_kind=natural_kind,
                collection=name,
                species=species,
                item_count=count,
                supply_conditions=conditions,
                status=ResourceStatus.PUBLISHED,
                published_at=now,
            )
        )
    Resource.objects.bulk_create(rows, batch_size=500)
    _requests(units[0])
    return len(rows)


def _requests(unit_id):
    """A few requests of the first unit's resources by outside users, one at each step."""
    admin = _holder(Role.UNIT_ADMIN, unit_id)
    users = [
        a.user
        for a in RoleAssignment.objects.filter(role=Role.EXTERNAL_USER)
        .select_related("user")
        .order_by("pk")[:4]
    ]
    resources = list(
        Resource.objects.filter(unit_id=unit_id, access_level__in=services.REQUESTABLE).order_by("pk")[:4]
    )
    if admin is None or not users or not resources:
        return
    steps = (("approve", "deliver"), ("approve",), (), ("decline",))
    for user, resource, actions in zip(users, resources, steps, strict=False):
        made = services.request_resource(
            resource, access=access_for(user), user=user, purpose="课题研究需要，仅用于科研。", quantity=1
        )
        for action in actions:
            made = services.decide(
                made,
                action,
                access=access_for(admin),
                actor=admin,
                comment="同意" if action != "decline" else "暂不对外提供",
                delivery_link="https://data.example.cn/download/demo" if action == "deliver" else "",
            )
        if made.status == "delivered":
            feedback.rate(
                user=user,
                record=made.record,
                overall=5,
                timeliness=5,
                attitude=4,
                result_quality=5,
                comment="数据规范",
            )
