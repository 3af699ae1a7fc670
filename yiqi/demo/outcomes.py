"""Demo results of use: a few dozen papers, patents, standards, awards and projects recorded by the first units for
their instruments over the last two years, and some papers served users acknowledged (most confirmed, a few
waiting, one declined), so the evaluation's "results of use" figures and the national yearly record have data."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment
from yiqi.organizations.models import Organization
from yiqi.outcomes import identifiers, services
from yiqi.outcomes.models import Outcome, OutcomeKind, OutcomeLevel, OutcomeStatus
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus

UNITS = 12
PER_UNIT = 4
TOPICS = (
    "钛合金疲劳裂纹萌生",
    "黄土高原土壤有机碳",
    "锂电池正极材料",
    "猕猴桃果实品质",
    "秦岭植物多样性",
    "大气颗粒物来源解析",
)
JOURNALS = (
    "Acta Materialia",
    "物理学报",
    "Journal of Power Sources",
    "中国农业科学",
    "环境科学",
    "Nature Communications",
)
FUNDERS = ("国家自然科学基金委员会", "科学技术部", "陕西省科学技术厅")
STANDARDS = ("GB/T {n}-2024", "DB61/T {n}-2025", "T/CSTM {n}-2025")
AWARDS = ("陕西省科学技术奖二等奖", "陕西省科学技术奖一等奖", "中国分析测试协会科学技术奖")


def _patent(rng, year: int) -> str:
    digits = f"{year}1{rng.randint(0, 9_999_999):07d}"
    return f"ZL{digits}.{identifiers.cn_check_digit(digits)}"


def _fields(rng, kind, unit_n: int, n: int, day: dt.date) -> dict:
    topic = rng.choice(TOPICS)
    if kind == OutcomeKind.PAPER:
        return {
            "title": f"{topic}的表征研究（{n}）",
            "identifier": f"10.57760/demo.{unit_n}.{n}",
            "source": rng.choice(JOURNALS),
            "authors": "王伟 李娜 张磊",
        }
    if kind == OutcomeKind.PATENT:
        return {
            "title": f"一种用于{topic}的检测装置",
            "identifier": _patent(rng, day.year),
            "source": "本单位",
        }
    if kind == OutcomeKind.STANDARD:
        number = rng.choice(STANDARDS).format(n=rng.randint(1000, 49999))
        return {"title": f"{topic}测定方法", "identifier": number, "source": "陕西省市场监督管理局"}
    if kind == OutcomeKind.AWARD:
        return {"title": rng.choice(AWARDS), "source": "陕西省人民政府", "level": OutcomeLevel.PROVINCIAL}
    return {
        "title": f"{topic}机理与调控",
        "identifier": f"2024YF{unit_n:03d}{n:04d}",
        "source": rng.choice(FUNDERS),
        "level": rng.choice((OutcomeLevel.NATIONAL, OutcomeLevel.PROVINCIAL)),
    }


@transaction.atomic
def build_outcomes(seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:outcomes")
    today = timezone.localdate()
    units = list(Organization.objects.filter(is_management_unit=True).order_by("pk")[:UNITS])
    made = 0
    for unit_n, unit in enumerate(units, start=1):
        keeper = (
            RoleAssignment.objects.filter(organization=unit, role=Role.INFORMATION_OFFICER)
            .select_related("user")
            .first()
        )
        instruments = list(
            Instrument.objects.filter(unit=unit, registration_status=RegistrationStatus.PUBLISHED)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        if keeper is None or not instruments:
            continue
        for n in range(PER_UNIT):
            kind = OutcomeKind.values[(unit_n + n) % len(OutcomeKind.values)]
            day = today - dt.timedelta(days=rng.randint(20, 700))
            services.save_outcome(
                Outcome(unit=unit, kind=kind, date=day, **_fields(rng, kind, unit_n, n, day)),
                access=access_for(keeper.user),
                user=keeper.user,
                instrument_ids=rng.sample(instruments, min(len(instruments), rng.randint(1, 3))),
            )
            made += 1
    return {"outcomes": made, **_acknowledgements(rng, today)}


def _acknowledgements(rng, today) -> dict:
    """Papers served users acknowledge; the units confirm most, leave some waiting and decline one."""
    served = (
        ServiceRecord.objects.filter(
            status=ServiceStatus.COMPLETED, instrument__isnull=False, is_internal=False
        )
        .select_related("user")
        .order_by("pk")[:12]
    )
    for n, record in enumerate(served):
        ack = services.acknowledge(
            access_for(record.user),
            user=record.user,
            record_id=record.pk,
            title=f"基于共享仪器测试数据的{rng.choice(TOPICS)}研究",
            doi=f"10.57760/ack.{record.pk}",
            journal=rng.choice(JOURNALS),
            date=today - dt.timedelta(days=rng.randint(10, 300)),
        )
        keeper = RoleAssignment.objects.filter(organization_id=record.unit_id, role=Role.UNIT_ADMIN).first()
        if keeper is None or n % 4 == 3:
            continue
        action, comment = ("decline", "论文未标注使用本单位仪器") if n == 5 else ("confirm", "")
        services.decide(ack, action, access=access_for(keeper.user), actor=keeper.user, comment=comment)
    return {
        "acknowledgements": Outcome.objects.filter(acknowledged_by_user=True).count(),
        "acknowledgements_waiting": Outcome.objects.filter(status=OutcomeStatus.PENDING).count(),
    }
