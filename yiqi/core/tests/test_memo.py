"""Counts asked ahead are answered together: a page of many panels pays one query for all of them, and the
answers are the counts themselves."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Exists, Sum
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.models import User
from yiqi.accounts.tests.factories import UserFactory
from yiqi.core import memo
from yiqi.core.queries import read_together, total
from yiqi.fees.models import Charge
from yiqi.organizations.models import Deployment
from yiqi.organizations.tests.factories import DeploymentFactory


@pytest.fixture
def read_request():
    """A GET request's memo, as the middleware sets it."""
    token = memo._memo.set({})
    yield
    memo._memo.reset(token)


def _questions():
    return {
        "people": total(User.objects.all(), Count("pk")),
        "nobody": total(User.objects.none(), Count("pk")),
        "billed": total(Charge.objects.all(), Sum("total"), empty=Decimal("0.00")),
        "admin": Exists(User.objects.filter(username="admin")),
    }


@pytest.mark.django_db
def test_one_query_answers_counts_sums_and_existence():
    UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        answers = read_together(_questions())
    assert len(queries) == 1
    assert answers == {"people": 3, "nobody": 0, "billed": Decimal("0.00"), "admin": False}


@pytest.mark.django_db
def test_questions_asked_ahead_come_with_the_first_answer(read_request):
    UserFactory.create_batch(2)
    memo.ask(_questions())
    with CaptureQueriesContext(connection) as queries:
        assert memo.answers({"people": total(User.objects.all(), Count("pk"))}) == {"people": 2}
        assert memo.answers({"admin": Exists(User.objects.filter(username="admin"))}) == {"admin": False}
    assert len(queries) == 1


@pytest.mark.django_db
def test_a_row_read_once_per_page_brings_the_asked_answers_along(read_request):
    DeploymentFactory()
    UserFactory.create_batch(2)
    memo.ask(_questions())
    with CaptureQueriesContext(connection) as queries:
        deployment = memo.first_with_asked(Deployment.objects.filter(pk=1))
        people = memo.answers({"people": total(User.objects.all(), Count("pk"))})["people"]
    assert (deployment.pk, people, len(queries)) == (1, 2, 1)


@pytest.mark.django_db
def test_without_the_row_the_questions_stay_asked(read_request):
    memo.ask(_questions())
    assert memo.first_with_asked(Deployment.objects.filter(pk=1)) is None
    assert memo.answers({"nobody": total(User.objects.none(), Count("pk"))}) == {"nobody": 0}


@pytest.mark.django_db
def test_outside_a_read_request_each_answer_is_read_afresh():
    memo.ask(_questions())  # nothing to remember it in
    assert memo.answers({"people": total(User.objects.all(), Count("pk"))}) == {"people": 0}
    UserFactory()
    assert memo.answers({"people": total(User.objects.all(), Count("pk"))}) == {"people": 1}
