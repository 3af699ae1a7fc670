"""Changed instruments and completed services rebuild their national records after the change commits, so a
corrected record goes back in the queue by itself."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from yiqi.core.transactions import after_commit_once
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.signals import instruments_bulk_changed
from yiqi.servicerecords.signals import service_closed, service_completed

from . import tasks
from .models import WebhookEvent
from .services import webhooks


def _rebuild_instruments(ids) -> None:
    tasks.rebuild_instruments(sorted(ids))


@receiver(post_save, sender=Instrument, dispatch_uid="exchange_instrument_saved")
def instrument_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.registration_status == RegistrationStatus.PUBLISHED:
        after_commit_once("exchange-instruments", [instance.pk], _rebuild_instruments)


@receiver(instruments_bulk_changed, dispatch_uid="exchange_instruments_bulk_changed")
def instruments_bulk(sender, ids, **kwargs):
    after_commit_once("exchange-instruments", ids, _rebuild_instruments)


def services_changed(ids) -> None:
    """Rebuild these service records' national records once the transaction commits."""
    after_commit_once("exchange-services", ids, lambda ids: tasks.rebuild_services(sorted(ids)))


@receiver(service_completed, dispatch_uid="exchange_service_completed")
def service_done(sender, record, **kwargs):
    services_changed([record.pk])


def _announce_service(event: str, record) -> None:
    data = {
        "service_record": record.pk,
        "kind": record.kind,
        "status": record.status,
        # A resource supply serves no instrument.
        "instrument": record.instrument.asset_number if record.instrument_id else None,
        "reference": record.reference,
    }
    webhooks.announce(record.unit_id, event, data)


@receiver(service_completed, dispatch_uid="exchange_webhook_service_completed")
def service_completed_hook(sender, record, **kwargs):
    _announce_service(WebhookEvent.SERVICE_COMPLETED, record)


@receiver(service_closed, dispatch_uid="exchange_webhook_service_closed")
def service_closed_hook(sender, record, **kwargs):
    _announce_service(WebhookEvent.SERVICE_CLOSED, record)
