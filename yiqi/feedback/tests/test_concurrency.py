"""Complaints filed at the same moment on PostgreSQL still get distinct numbers (SQLite serialises writers)."""

import threading

import pytest
from django.db import connection

from yiqi.accounts.tests.factories import UserFactory
from yiqi.feedback import services
from yiqi.feedback.models import Complaint
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_simultaneous_filings_get_distinct_numbers():
    unit = OrganizationFactory(supervising_department=DepartmentFactory())
    users = [UserFactory() for _ in range(8)]
    start, errors = threading.Barrier(len(users)), []

    def file(user):
        try:
            start.wait()
            services.file_complaint(user=user, unit=unit, subject="同时提交", description="……")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Complaint.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(users) and [n[-4:] for n in numbers] == [f"{i:04d}" for i in range(1, 9)]
