"""An alliance led by unit A for the route walks (read_routes, the access matrix), with another unit asking to
join."""

from types import SimpleNamespace

from yiqi.accounts.access import Access
from yiqi.alliances import services
from yiqi.organizations.tests.factories import OrganizationFactory

from .factories import alliance_of


def alliance_scene(*, unit) -> SimpleNamespace:
    alliance = alliance_of(unit, name="A单位牵头的共享联盟", priority_days=7, member_category="academic")
    applicant = OrganizationFactory(
        name="申请加入的研究所", supervising_department=unit.supervising_department
    )
    application = services.apply(
        alliance,
        access=Access(user_id=0, organization_roles={applicant.pk: frozenset({"unit_admin"})}),
        actor=None,
        unit_id=applicant.pk,
    )
    return SimpleNamespace(alliance=alliance, application=application)
