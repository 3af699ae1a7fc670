"""What feedback does when a service record moves: ask for a rating when it is done, and show the rating on the
service's page. Receivers only call services."""

from django.dispatch import receiver

from yiqi.servicerecords.signals import service_completed, service_panels

from . import services


@receiver(service_completed, dispatch_uid="feedback.ask_for_rating")
def ask_for_rating(sender, *, record, **kwargs):
    services.ask_for_rating(record)


@receiver(service_panels, dispatch_uid="feedback.rating_panel")
def rating_panel(sender, *, record, user, **kwargs):
    return services.service_rating_panel(record, user)
