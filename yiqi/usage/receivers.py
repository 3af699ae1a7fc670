"""What usage does when the fees layer bills a service (write its usage record) and when an alliance's page asks
for the services between its members. Receivers only call services."""

from django.dispatch import receiver

from yiqi.alliances.signals import figures_requested
from yiqi.fees.signals import charge_billed

from . import services, totals


@receiver(charge_billed, dispatch_uid="usage.record_billed_service")
def record_billed_service(sender, *, charge, record, actor=None, **kwargs):
    services.record_for_service(record, fee=charge.total, actor=actor)


@receiver(figures_requested, dispatch_uid="usage.alliance_figures")
def alliance_figures(sender, *, unit_ids, year, **kwargs):
    return totals.between_units(unit_ids, year)
