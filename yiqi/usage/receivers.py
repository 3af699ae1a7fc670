"""What usage does when the fees layer bills a service: write its usage record. Receivers only call services."""

from django.dispatch import receiver

from yiqi.fees.signals import charge_billed

from . import services


@receiver(charge_billed, dispatch_uid="usage.record_billed_service")
def record_billed_service(sender, *, charge, record, actor=None, **kwargs):
    services.record_for_service(record, fee=charge.total, actor=actor)
