"""A company's open need for the route walks (read_routes, the access matrix), matched to ``instrument`` if given."""

from decimal import Decimal

from yiqi.demands.models import Match, Need

from .factories import post


def demand_scene(*, poster, region, instrument=None) -> Need:
    need = post(poster, region=region, title="电池材料形貌观察")
    if instrument is not None:
        Match.objects.get_or_create(
            need=need,
            instrument=instrument,
            defaults={"unit_id": instrument.unit_id, "score": Decimal("0.5")},
        )
    return need
