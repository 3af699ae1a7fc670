"""What the demand database does when a service record moves: a need waiting on an order is met when the order is
delivered and open again when it falls through; an order's page names the need it came from. Receivers only call
services."""

from django.dispatch import receiver

from yiqi.servicerecords.signals import service_closed, service_completed, service_panels

from . import services


@receiver(service_completed, dispatch_uid="demands.order_delivered")
def order_delivered(sender, *, record, actor=None, **kwargs):
    services.order_delivered(record, actor=actor)


@receiver(service_closed, dispatch_uid="demands.order_ended")
def order_ended(sender, *, record, actor=None, **kwargs):
    services.order_ended(record, actor=actor)


@receiver(service_panels, dispatch_uid="demands.need_panel")
def need_panel(sender, *, record, user, **kwargs):
    return services.need_panel(record, user)
