"""Demo sharing alliances: a Guanzhong alliance of universities led by the first unit (member rate, a week's
priority window, recognised qualifications) and a smaller collaboration network with one unit asking to join."""

from django.db import transaction

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.alliances import services
from yiqi.organizations.models import Organization

ALLIANCES = (
    (
        "关中高校大型仪器开放共享联盟",
        dict(
            description="联盟成员单位的用户按本单位价格使用彼此的大型仪器，可提前 7 天优先预约，上机资格互认。",
            member_category="internal",
            priority_days=7,
            mutual_qualification=True,
        ),
        slice(0, 6),
    ),
    (
        "陕西省分析测试协作网",
        dict(
            description="协作网成员每年上报服务数据，成员之间按高校和科研院所价收费。",
            member_category="academic",
            priority_days=0,
            mutual_qualification=False,
        ),
        slice(6, 10),
    ),
)


def _admin(unit_id: int) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(role=Role.UNIT_ADMIN, organization_id=unit_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


@transaction.atomic
def build_alliances() -> dict:
    units = list(Organization.objects.management_units().order_by("id").values_list("pk", flat=True)[:11])
    made = 0
    for name, terms, members in ALLIANCES:
        chosen = units[members]
        admins = [_admin(unit) for unit in chosen]
        if len(chosen) < 2 or None in admins:
            continue
        lead = admins[0]
        alliance = services.form_alliance(
            access=access_for(lead), actor=lead, lead_unit_id=chosen[0], name=name, **terms
        )
        for unit, admin in zip(chosen[1:], admins[1:], strict=True):
            membership = services.apply(alliance, access=access_for(admin), actor=admin, unit_id=unit)
            services.act(membership, "approve", access=access_for(lead), actor=lead)
        made += 1
    # One unit waiting for the network's lead to decide.
    if made == len(ALLIANCES) and len(units) > 10 and (applicant := _admin(units[10])):
        network = services.alliances().get(name=ALLIANCES[1][0])
        services.apply(network, access=access_for(applicant), actor=applicant, unit_id=units[10])
    return {"alliances": made}
