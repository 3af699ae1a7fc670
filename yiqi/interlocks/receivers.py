"""What interlocks do when a service record closes (a booking cancelled, rejected or missed). Receivers only call
services."""

from django.dispatch import receiver

from yiqi.servicerecords.signals import service_closed

from . import services


@receiver(service_closed, dispatch_uid="interlocks.revoke_closed_booking")
def revoke_closed_booking(sender, *, record, **kwargs):
    services.after_service_closed(record)
