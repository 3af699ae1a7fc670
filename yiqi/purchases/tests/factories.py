"""Purchase applications as a unit files them."""

from decimal import Decimal

from yiqi.accounts.access import access_for
from yiqi.purchases import services
from yiqi.registry.models import InstrumentCategory

QUOTES = [
    {"supplier": "赛默飞世尔科技（中国）有限公司", "model": "Apreo 2", "amount": Decimal("3150000.00")},
    {"supplier": "日本电子株式会社", "model": "JSM-IT800", "amount": Decimal("3080000.00")},
    {"supplier": "蔡司（上海）管理有限公司", "model": "Sigma 560", "amount": Decimal("2990000.00")},
]


def application_values(**overrides) -> dict:
    values = {
        "name": "场发射扫描电子显微镜",
        "category": InstrumentCategory.objects.get(code="010102"),
        "specifications": "二次电子像分辨率 0.8 nm（15 kV）；加速电压 0.02–30 kV",
        "functions": "材料表面形貌观察与微区成分分析，配能谱仪",
        "model_candidates": "Apreo 2；JSM-IT800；Sigma 560",
        "budget": Decimal("3200000.00"),
        "funding_source": "central",
        "discipline": "材料科学",
        "necessity": "新材料学院每年形貌表征需求约 1,500 机时，现有设备老化。",
        "expected_hours": 1600,
        "expected_users": 120,
        "sharing_mode": "external",
        "hours_offered": 600,
    }
    values.update(overrides)
    return values


def file_application(unit, actor, *, quotes=QUOTES, **overrides):
    return services.save_application(
        access_for(actor), unit=unit, values=application_values(**overrides), quotes=quotes, actor=actor
    )
