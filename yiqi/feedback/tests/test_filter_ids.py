"""An id filter outside the database's integer range is the caller's mistake (400 on the field), not a 500.

Found by .ci/fuzz.sh: GET /api/v1/ratings/?unit=45968457966564007936 and GET /api/v1/fee-items/?instrument=
-8.2e+101 raised OverflowError on SQLite. The same number filters on the other service lists are checked too."""

import pytest
from django.urls import reverse

OUT_OF_RANGE = ("45968457966564007936", "-8.233082401309474e+101", "0")


@pytest.mark.parametrize(
    ("list_name", "field", "signed_in"),
    [
        ("api-rating-list", "unit", False),
        ("api-rating-list", "instrument", False),
        ("api-booking-list", "instrument", True),
        ("api-order-list", "instrument", True),
        ("api-charge-list", "instrument", True),
        ("api-usage-record-list", "instrument", True),
        ("api-fee-item-list", "instrument", False),
    ],
)
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_id_outside_the_integer_range_is_a_field_error(
    world, client_for, list_name, field, signed_in, value
):
    client = client_for(world.users["platform_admin"] if signed_in else None)
    response = client.get(reverse(list_name), {field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_the_largest_id_still_filters_to_nothing(world, client):
    response = client.get(reverse("api-rating-list"), {"unit": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["count"] == 0
