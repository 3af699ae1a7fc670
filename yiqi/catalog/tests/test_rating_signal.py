"""The catalogue ranks by users' ratings: it listens to feedback's ``ratings_changed`` and updates its own rows."""

import pytest
from django.db import transaction

from yiqi.catalog.cache import MAX_QUALITY
from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.models import IndexChange, SearchDocument
from yiqi.feedback import services as feedback
from yiqi.feedback.signals import ratings_changed
from yiqi.feedback.tests.conftest import completed_booking
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

GOOD = {"overall": 5, "timeliness": 5, "attitude": 5, "result_quality": 5}


@pytest.fixture
def indexed(world):
    instrument = InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED)
    rebuild_index()
    IndexChange.objects.all().delete()
    return instrument


def test_the_quality_signal_spans_the_catalogues_scale():
    assert feedback.QUALITY_SCALE == MAX_QUALITY
    assert feedback.quality_signal(10**6, 5 * 10**6) <= MAX_QUALITY


def test_a_rating_updates_the_document_once_and_logs_the_change(world, indexed):
    user = world.users["external_user"]
    feedback.rate(user=user, record=completed_booking(indexed, user), **GOOD)
    assert SearchDocument.objects.get(pk=indexed.pk).quality == 583
    assert IndexChange.objects.filter(instrument_id=indexed.pk).count() == 1
    ratings_changed.send(sender=None, instrument_ids=[indexed.pk])  # nothing new: nothing logged
    assert IndexChange.objects.filter(instrument_id=indexed.pk).count() == 1


def test_a_rating_rolled_back_leaves_the_ranking_as_it_was(world, indexed):
    user = world.users["external_user"]
    booking = completed_booking(indexed, user)
    with pytest.raises(RuntimeError), transaction.atomic():
        feedback.rate(user=user, record=booking, **GOOD)
        raise RuntimeError
    assert SearchDocument.objects.get(pk=indexed.pk).quality == 500
    assert not IndexChange.objects.filter(instrument_id=indexed.pk).exists()
