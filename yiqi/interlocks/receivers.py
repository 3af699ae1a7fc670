"""What interlocks do when a service record closes (a booking cancelled, rejected or missed) and when usage writes a
record (it takes the hours the sessions measured). Receivers only call services."""

from django.dispatch import receiver

from yiqi.servicerecords.signals import service_closed
from yiqi.usage.signals import usage_recorded

from . import services


@receiver(service_closed, dispatch_uid="interlocks.revoke_closed_booking")
def revoke_closed_booking(sender, *, record, **kwargs):
    services.after_service_closed(record)


@receiver(usage_recorded, dispatch_uid="interlocks.measure_usage")
def measure_usage(sender, *, usage_records, **kwargs):
    for usage in usage_records:
        services.measure_usage(usage)
