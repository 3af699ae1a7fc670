"""Needs as a company posts them."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.demands import services
from yiqi.organizations.models import Region


def need_values(**overrides) -> dict:
    values = {
        "title": "锂电池正极材料表面形貌观察",
        "description": "需要扫描电子显微镜观察正极颗粒表面形貌并做能谱成分分析",
        "category": None,
        "sample_type": "粉末",
        "quantity": 12,
        "deadline": timezone.localdate() + dt.timedelta(days=20),
        "budget": Decimal("3000.00"),
        "region": Region.objects.get(code="610113"),
    }
    values.update(overrides)
    return values


def post(user, **overrides):
    return services.post_need(access_for(user), values=need_values(**overrides), actor=user)
