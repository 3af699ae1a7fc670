"""A company's open need for the route walks (read_routes, the access matrix)."""

from yiqi.demands.models import Need

from .factories import post


def demand_scene(*, poster, region) -> Need:
    return post(poster, region=region, title="电池材料形貌观察")
