"""Migration in: a province brings its national records from another platform, checked in full before anything is
written, and importing the same file again changes nothing."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from yiqi.core.storage import private_storage
from yiqi.exchange import records
from yiqi.exchange.models import MigrationJob, UnitCode
from yiqi.exchange.services import migration, outbox
from yiqi.registry.models import Instrument, RegistrationStatus

from .factories import UnitCodeFactory
from .test_records import instrument  # noqa: F401 (the fixture: unit A's published, customs-supervised instrument)

pytestmark = pytest.mark.django_db
CODE_B = "b" * 32


@pytest.fixture
def national_file(world, instrument):  # noqa: F811
    """Unit A's instrument and customs records as the old platform would hand them over, for unit B."""
    UnitCodeFactory(unit=world.unit_b, code=CODE_B)
    items = []
    for built in records.instrument_records(outbox.unit_codes(), outbox.reporting_year()):
        payload = {**built.payload, "insCode": CODE_B, "innerId": "OLD-" + built.payload["innerId"]}
        # As sent: an envelope whose instruList is the record as a JSON string.
        items.append({"insCode": CODE_B, "instruType": built.record_type, "instruList": json.dumps(payload)})
    return items


def encoded(items) -> bytes:
    return json.dumps(items, ensure_ascii=False).encode()


def test_national_records_become_the_units_instruments_and_a_second_import_changes_nothing(
    world, national_file
):
    source = world.published_a  # as the fixture of test_records set it up
    plan = migration.plan_json(encoded(national_file), world.users["platform_admin"], "old.json")
    assert plan.ok, plan.errors
    assert plan.summary()["units"] == [
        {"unit": world.unit_b.name, "code": CODE_B, "created": 1, "updated": 0, "unchanged": 0, "customs": 1}
    ]
    migration.apply(plan)

    moved = Instrument.objects.get(unit=world.unit_b, asset_number="OLD-" + source.asset_number)
    assert moved.registration_status == RegistrationStatus.DRAFT  # the unit submits it for review
    assert moved.original_value == Decimal("3200000.00")  # from 320.00 (10,000 CNY)
    assert moved.country_of_origin.code == "JP"  # from JPN
    assert (moved.name, moved.source, moved.sharing_mode) == (source.name, "purchased", "external")
    assert moved.customs_declaration_number == "530120241234567890"
    assert moved.customs_import_date == source.acceptance_date

    again = migration.plan_json(encoded(national_file), world.users["platform_admin"], "old.json")
    assert again.summary()["units"][0] == {
        "unit": world.unit_b.name, "code": CODE_B, "created": 0, "updated": 0, "unchanged": 1, "customs": 0
    }  # fmt: skip
    migration.apply(again)
    assert Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").count() == 1


def test_one_bad_record_among_many_writes_nothing_and_each_problem_names_record_and_field(
    world, national_file
):
    good = json.loads(national_file[0]["instruList"])
    many = [
        {"instruType": 4, **good, "innerId": f"OLD-{n}"} for n in range(20)
    ]  # plain records, not envelopes, are read too
    many[3]["worth"] = "很多"  # the schema: 10,000 CNY with two decimals
    many[7]["instrCategory"] = "999999"  # the registry: no such category
    many[9]["insCode"] = "c" * 32  # no unit has this code
    many.append({"instruType": 3, **good})  # a service unit: no longer a national type
    plan = migration.plan_json(encoded(many), world.users["platform_admin"], "old.json")

    assert not plan.ok
    found = {(e["row"], e["column"]) for e in plan.errors}
    assert found == {(4, "worth"), (8, "分类代码*"), (10, "insCode"), (21, "instruType")}, plan.errors
    with pytest.raises(ValidationError):
        migration.apply(plan)
    assert not Instrument.objects.filter(asset_number__startswith="OLD-").exists()


def test_service_records_and_yearly_blocks_are_checked_but_not_imported(world, national_file):
    bad_service = {"instruType": 6, "insCode": CODE_B, "recordInnerId": "1"}
    plan = migration.plan_json(encoded([bad_service]), world.users["platform_admin"], "old.json")
    assert {e["column"] for e in plan.errors} >= {"innerId", "serviceWay"}
    assert not plan.ok


def test_malformed_json_is_one_clear_error(world):
    plan = migration.plan_json(b"[{", None, "old.json")
    assert not plan.ok
    assert "JSON" in plan.errors[0]["message"]


def test_the_command_previews_and_writes_only_when_asked(world, national_file, tmp_path):
    path = tmp_path / "old.json"
    path.write_bytes(encoded(national_file))
    call_command("import_national", str(path))
    assert not Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").exists()
    call_command("import_national", str(path), "--write")
    assert Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").count() == 1

    path.write_bytes(b"{}")
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_national", str(path), "--write")


def _preview(client, items):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("exchange:migration"), {"file": SimpleUploadedFile("old.json", encoded(items))}
    )


def test_the_authority_uploads_previews_and_confirms_and_a_background_job_writes(
    world, national_file, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users["platform_admin"])
    url = reverse("exchange:migration")
    page = _preview(client, national_file)
    assert page.status_code == 200
    assert page.context["plan"]["units"][0]["created"] == 1
    assert not Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").exists()

    with django_capture_on_commit_callbacks() as queued:
        done = client.post(url, {"token": page.context["token"]})
    assert done.status_code == 302
    job = MigrationJob.objects.get()
    assert job.status == MigrationJob.Status.QUEUED and job.created_by == world.users["platform_admin"]
    assert not Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").exists()
    assert client.get(url).context["jobs"][0].get_status_display() == "排队中"

    for callback in queued:  # the commit hands the job to Huey (inline in tests)
        callback()
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.reason) == (MigrationJob.Status.DONE, 1, 0, "")
    assert job.started_at <= job.finished_at
    assert Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").count() == 1
    assert not private_storage().exists(job.path)  # the file goes with the job
    listed = client.get("/api/v1/exchange/migrations/").json()["results"]
    assert [(row["id"], row["status"], row["created"]) for row in listed] == [(job.pk, "done", 1)]

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"token": page.context["token"]}).status_code == 302  # used once
    assert MigrationJob.objects.count() == 1
    migration.run(job.pk)  # a job runs once
    assert Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="OLD-").count() == 1

    bad = _preview(client, [{"not": "a record"}])
    assert bad.status_code == 400 and not bad.context["token"]  # nothing to confirm

    assert client_for(world.users["unit_admin_b"]).get(url).status_code == 403
    assert client_for(world.users["unit_admin_b"]).get("/api/v1/exchange/migrations/").status_code == 403


def test_a_job_whose_file_no_longer_passes_fails_with_the_reason_and_writes_nothing(
    world, national_file, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users["platform_admin"])
    page = _preview(client, national_file)
    UnitCode.objects.filter(code=CODE_B).delete()  # meanwhile, unit B's code is withdrawn
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:migration"), {"token": page.context["token"]})

    job = MigrationJob.objects.get()
    assert job.status == MigrationJob.Status.FAILED and "未写入任何数据" in job.reason
    assert {e["column"] for e in job.summary["errors"]} == {"insCode"}
    assert not Instrument.objects.filter(asset_number__startswith="OLD-").exists()
    detail = client.get(f"/api/v1/exchange/migrations/{job.pk}/").json()
    assert detail["status_label"] == "失败" and detail["reason"] == job.reason
    page = client.get(reverse("exchange:migration"))
    assert job.reason in page.content.decode()


def test_a_job_that_breaks_fails_with_a_reason_and_writes_nothing(world, national_file, monkeypatch):
    from django.core.files.base import ContentFile

    path = private_storage().save("exchange/migration/broken", ContentFile(encoded(national_file)))

    def broken(plan):
        raise RuntimeError("disk full")

    monkeypatch.setattr(migration, "apply", broken)
    job = MigrationJob.objects.create(name="old.json", path=path)
    migration.run(job.pk)
    job.refresh_from_db()
    assert job.status == MigrationJob.Status.FAILED and "内部错误" in job.reason
    assert not Instrument.objects.filter(asset_number__startswith="OLD-").exists()


def test_a_units_workbook_is_checked_by_the_registrys_rules_and_imported_once(world):
    from yiqi.registry.tests.test_spreadsheets import SINGLE, make_xlsx, valid_row

    UnitCodeFactory(unit=world.unit_b, code=CODE_B)
    admin = world.users["platform_admin"]
    content = make_xlsx({SINGLE: [valid_row(1), valid_row(2)]})
    assert not migration.plan_file("b.xlsx", content, admin).ok  # which unit it belongs to must be said

    bad = migration.plan_file(
        "b.xlsx", make_xlsx({SINGLE: [valid_row(1), valid_row(2, original_value=-1)]}), admin, CODE_B
    )
    assert [(e["sheet"], e["row"]) for e in bad.errors] == [(SINGLE, 4)]

    plan = migration.plan_file("b.xlsx", content, admin, CODE_B)
    assert plan.summary()["units"][0]["created"] == 2
    migration.apply(plan)
    again = migration.plan_file("b.xlsx", content, admin, CODE_B)
    assert (again.summary()["units"][0]["created"], again.summary()["units"][0]["unchanged"]) == (0, 2)
    assert Instrument.objects.filter(unit=world.unit_b, asset_number__startswith="IMP-").count() == 2
