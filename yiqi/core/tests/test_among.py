"""A long list of ids filters the same rows whichever way it is sent, and on PostgreSQL goes as one parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.core.queries import among
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("how_many", [3, 80])
def test_among_filters_the_rows_a_plain_list_does(how_many):
    organizations = [OrganizationFactory() for _ in range(how_many + 5)]
    wanted = [o.pk for o in organizations[:how_many]] + [10**9]  # an id nobody has
    with CaptureQueriesContext(connection) as queries:
        found = set(Organization.objects.filter(pk__in=among(wanted)).values_list("pk", flat=True))
    assert found == {o.pk for o in organizations[:how_many]}
    sent = queries.captured_queries[0]["sql"]
    assert ("unnest" in sent) == (connection.vendor == "postgresql" and how_many > 50)
