"""The voucher objects of the shared route-walking world (``yiqi.core.tests.read_routes``): unit A's department
runs a programme, the enterprise holds a quota and has a pending application, unit A is an approved provider, and
there is a service to pay, a spent one to claim and a claimed one in this month's batch."""

from types import SimpleNamespace

from yiqi.accounts.access import access_for
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import service
from yiqi.vouchers.services import quotas

from .helpers import Scene, claim, grant, make_programme, register_provider, served_and_paid


def voucher_scene(*, department, unit, enterprise, instrument, users) -> SimpleNamespace:
    authority, company_user = users["department"], users["enterprise"]
    programme = make_programme(department)
    provider = register_provider(programme, unit, users["unit_admin"], authority)
    account = grant(programme, enterprise, company_user, authority)
    scene = Scene(
        authority, department, programme, enterprise, company_user, unit, users["unit_admin"], users["manager"],
        instrument, provider, account,
    )  # fmt: skip
    application = quotas.apply(
        access_for(company_user),
        actor=company_user,
        programme=programme,
        company=enterprise,
        credit_code=enterprise.credit_code,
        project="新材料表征",
        requested="1000.00",
    )
    to_pay = service(instrument, company_user, organization=enterprise)
    fees.quote(to_pay)
    _record, unclaimed = served_and_paid(scene, "100.00")
    _record, claimed = served_and_paid(scene, "200.00")
    submitted = claim(scene, claimed)
    return SimpleNamespace(
        programme=programme,
        application=application,
        account=account,
        provider=provider,
        to_pay=to_pay,
        unclaimed=unclaimed,
        claim=submitted,
        batch=submitted.batch,
    )
