"""Changed instruments and completed services rebuild their national records after the change commits, so a
corrected record goes back in the queue by itself."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.signals import instruments_bulk_changed
from yiqi.servicerecords.signals import service_completed

from . import tasks


@receiver(post_save, sender=Instrument, dispatch_uid="exchange_instrument_saved")
def instrument_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.registration_status == RegistrationStatus.PUBLISHED:
        transaction.on_commit(lambda: tasks.rebuild_instruments([instance.pk]))


@receiver(instruments_bulk_changed, dispatch_uid="exchange_instruments_bulk_changed")
def instruments_bulk(sender, ids, **kwargs):
    ids = list(ids)
    transaction.on_commit(lambda: tasks.rebuild_instruments(ids))


@receiver(service_completed, dispatch_uid="exchange_service_completed")
def service_done(sender, record, **kwargs):
    transaction.on_commit(lambda: tasks.rebuild_services([record.pk]))
