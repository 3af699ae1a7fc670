"""Keep the index current when records change through the ORM (forms, admin, workflow steps).

Bulk writes (``bulk_create``, ``bulk_update``, ``QuerySet.update``) send no model signals: the registry sends
``instruments_bulk_changed`` after them (the spreadsheet import does), or calls ``reindex_instruments``.
Several saves in one transaction are indexed once, after commit.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from yiqi.core.transactions import after_commit_once
from yiqi.feedback.services import catalogue_quality
from yiqi.feedback.signals import ratings_changed
from yiqi.organizations.models import Organization, SubUnit
from yiqi.registry.models import Instrument, InstrumentCategory
from yiqi.registry.signals import instruments_bulk_changed
from yiqi.resources.signals import resources_published_changed

from .models import IndexChange, SearchDocument, Synonym


def _reindex(ids) -> None:
    from .indexing import reindex_instruments

    reindex_instruments(ids)


def schedule_reindex(ids) -> None:
    """Reindex these instruments once the current transaction commits (at once outside a transaction)."""
    after_commit_once("catalog", ids, _reindex)


@receiver(post_save, sender=Instrument, dispatch_uid="catalog_instrument_saved")
@receiver(post_delete, sender=Instrument, dispatch_uid="catalog_instrument_deleted")
def instrument_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_reindex([instance.pk])


@receiver(instruments_bulk_changed, dispatch_uid="catalog_instruments_bulk_changed")
def instruments_written_in_bulk(sender, ids=(), **kwargs):
    """A spreadsheet import (or another bulk write) committed: index what it wrote."""
    schedule_reindex(ids)


@receiver(post_save, sender=Organization, dispatch_uid="catalog_unit_saved")
@receiver(post_save, sender=SubUnit, dispatch_uid="catalog_sub_unit_saved")
@receiver(post_save, sender=InstrumentCategory, dispatch_uid="catalog_category_saved")
def context_changed(sender, instance, created=False, raw=False, **kwargs):
    """A renamed unit, sub-unit or category changes the text of its published instruments."""
    if raw or created:
        return
    field = {Organization: "unit", SubUnit: "sub_unit", InstrumentCategory: "category"}[sender]
    ids = Instrument.objects.filter(**{field: instance.pk}, registration_status="published").values_list(
        "pk", flat=True
    )
    schedule_reindex(list(ids))
    if sender is Organization:
        _reindex_resources(instance.resources.filter(status="published").values_list("pk", flat=True))


def _reindex_resources(ids) -> None:
    from .other_resources import reindex_resources

    after_commit_once("catalog_resources", ids, reindex_resources)


@receiver(resources_published_changed, dispatch_uid="catalog_resources_published_changed")
def resources_changed(sender, ids=(), **kwargs):
    """A resource was published, changed while published, or withdrawn: index it or take it out."""
    _reindex_resources(ids)


@receiver(post_save, sender=Synonym, dispatch_uid="catalog_synonym_saved")
@receiver(post_delete, sender=Synonym, dispatch_uid="catalog_synonym_deleted")
def synonyms_changed(sender, raw=False, **kwargs):
    if not raw:
        IndexChange.objects.create(instrument_id=IndexChange.SYNONYMS)


def update_quality(instrument_ids) -> list[int]:
    """Write the ratings' quality signal into the search documents and log the change, so every process's facet
    cache reloads them (``IndexChange``); returns the instruments whose signal changed. Unpublished instruments
    have no document and are left alone."""
    changed = [
        doc
        for doc, quality in sorted(catalogue_quality(instrument_ids).items())
        if SearchDocument.objects.filter(id=doc).exclude(quality=quality).update(quality=quality)
    ]
    IndexChange.objects.bulk_create([IndexChange(instrument_id=doc) for doc in changed])
    return changed


@receiver(ratings_changed, dispatch_uid="catalog_ratings_changed")
def ratings_changed_quality(sender, instrument_ids=(), **kwargs):
    """A rating changed these instruments' averages (inside its transaction): rank them accordingly."""
    update_quality(instrument_ids)
