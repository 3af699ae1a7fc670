"""A served instrument with a fee schedule, orders at each stage of the state machine, and results files."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiqi.fees.models import FeeItem
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.orders import services
from yiqi.orders.models import OrderFormField

# Smallest genuine files of each kind the results upload accepts.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


OFFICE_MAIN_PARTS = {"xl/": "xl/workbook.xml", "word/": "word/document.xml"}


def office_file(part: str) -> bytes:
    """A zip laid out like an Office file whose main part is under ``part`` (any other folder: a plain zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(OFFICE_MAIN_PARTS.get(part, f"{part}document.xml"), "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def served(world):
    """published_a, managed by manager_a, priced for commissioned testing: 300/h and 50/sample externally."""
    instrument = world.published_a
    instrument.manager = world.users["manager_a"]
    instrument.save()
    FeeItemFactory(instrument=instrument, name="机时费", basis=FeeItem.Basis.PER_HOUR)
    FeeItemFactory(
        instrument=instrument,
        name="制样费",
        component=FeeItem.Component.MATERIALS,
        basis=FeeItem.Basis.PER_SAMPLE,
        rate_internal=Decimal("10.00"),
        rate_academic=Decimal("30.00"),
        rate_external=Decimal("50.00"),
    )
    return instrument


@pytest.fixture
def questions(served):
    """Two questions on every order of the instrument: a required choice and an optional number."""
    return [
        OrderFormField.objects.create(
            instrument=served,
            key="coating",
            label="是否喷金",
            field_type=OrderFormField.FieldType.CHOICE,
            choices="喷金\n喷碳\n不喷",
            required=True,
            position=0,
        ),
        OrderFormField.objects.create(
            instrument=served,
            key="magnification",
            label="最高放大倍数",
            field_type=OrderFormField.FieldType.NUMBER,
            position=1,
        ),
    ]


def submit(world, instrument, **overrides):
    fields = {
        "user": world.users["external_user"],
        "instrument": instrument,
        "sample_name": "钛合金块",
        "sample_count": 3,
        "sample_description": "机密配方：Ti-6Al-4V 新工艺",
        "requirements": "表面形貌，5000 倍",
        "answers": {},
        "return_samples": True,
    }
    return services.submit_order(**{**fields, **overrides})


@pytest.fixture
def order(world, served):
    """A submitted order of the enterprise's user on the served instrument."""
    return submit(world, served)


# Each stage reached through the real state machine, by the people who act there.
def advance(world, order, until: str):
    manager, user = world.users["manager_a"], world.users["external_user"]
    now = timezone.now()
    steps = [
        ("quoted", lambda o: services.quote(o, actor=manager, hours=Decimal("2"), comment="约两小时")),
        ("confirmed", lambda o: services.confirm(o, actor=user)),
        ("samples_received", lambda o: services.receive_samples(o, actor=manager)),
        ("testing", lambda o: services.start_testing(o, actor=manager)),
        (
            "results_ready",
            lambda o: (
                services.add_results(o, [upload("报告.pdf", PDF)], actor=manager),
                services.publish_results(
                    o,
                    actor=manager,
                    machine_hours=Decimal("1.5"),
                    tested_from=now - timedelta(hours=3),
                    tested_until=now - timedelta(hours=1),
                ),
            )[1],
        ),
    ]
    for status, step in steps:
        order = step(order)
        if status == until:
            return order
    raise ValueError(until)
