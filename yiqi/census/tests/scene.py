"""Unit A's census return for the route walks (read_routes, the access matrix): an open census of last year with
one pre-filled line for the published instrument and one for the unit's data set, and the year before's census
closed and published."""

from types import SimpleNamespace

from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.census import results, services
from yiqi.resources.tests.factories import ResourceFactory

from .factories import open_census


def census_scene(*, unit) -> SimpleNamespace:
    ResourceFactory(unit=unit, name="路由巡检数据集")
    authority = Access(is_platform_admin=True)
    published = services.close(
        open_census(unit, year=timezone.localdate().year - 2), access=authority, actor=None
    )
    published = results.publish(published, access=authority, actor=None)
    census = open_census(unit)
    census_return = census.returns.get()
    return SimpleNamespace(
        census=census,
        census_return=census_return,
        line=census_return.lines.first(),
        resource_line=census_return.resource_lines.first(),
        published=published,
    )
