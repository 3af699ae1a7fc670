from yiqi.accounts.access import Access
from yiqi.alliances import services


def alliance_of(lead, *members, name="关中仪器共享联盟", **terms):
    """An alliance led by ``lead`` with ``members`` already admitted (made through the services, audited)."""
    authority = Access(is_platform_admin=True)
    alliance = services.form_alliance(access=authority, actor=None, lead_unit_id=lead.pk, name=name, **terms)
    for unit in members:
        membership = services.apply(
            alliance,
            access=Access(user_id=0, organization_roles={unit.pk: frozenset({"unit_admin"})}),
            actor=None,
            unit_id=unit.pk,
        )
        services.act(membership, "approve", access=authority, actor=None)
    return alliance
