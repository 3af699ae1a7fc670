import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yiqi.accounts.models import Role, RoleAssignment
from yiqi.organizations.tests.factories import SubUnitFactory
from yiqi.registry.models import ImportJob, Instrument, RegistrationStatus
from yiqi.registry.spreadsheets import progress
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.registry.tests.test_spreadsheets import SINGLE, add_members, make_xlsx, valid_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, unit, content: bytes, name: str = "仪器.xlsx"):
    return client.post(
        reverse("registry:import_upload"), {"unit": unit.pk, "file": SimpleUploadedFile(name, content)}
    )


class TestUpload:
    def test_page_lists_recent_jobs_and_offers_the_template(self, world, client_for):
        ImportJob.objects.create(
            unit=world.unit_a, uploaded_by=world.users["officer_a"], original_name="上次.xlsx"
        )
        ImportJob.objects.create(
            unit=world.unit_b, uploaded_by=world.users["unit_admin_b"], original_name="别人的.xlsx"
        )
        response = client_for(world.users["officer_a"]).get(reverse("registry:import_upload"))
        assert response.status_code == 200
        assert f"{reverse('registry:import_template')}?unit={world.unit_a.pk}" in response.text
        assert "上次.xlsx" in response.text
        assert "别人的.xlsx" not in response.text

    @pytest.mark.parametrize(
        "role", ["manager_a", "technician_a", "external_user", "department_admin_a", "platform_admin"]
    )
    def test_only_unit_editors_may_import(self, world, client_for, role):
        client = client_for(world.users[role])
        assert client.get(reverse("registry:import_upload")).status_code == 403
        assert client.get(reverse("registry:import_template")).status_code == 403
        assert upload(client, world.unit_a, make_xlsx({SINGLE: [valid_row()]})).status_code == 403
        assert not ImportJob.objects.exists()

    def test_anonymous_is_sent_to_login(self, world, client):
        response = client.get(reverse("registry:import_upload"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    def test_valid_file_is_imported_and_shown(self, world, client_for, django_capture_on_commit_callbacks):
        client = client_for(world.users["officer_a"])
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, world.unit_a, make_xlsx({SINGLE: [valid_row(1), valid_row(2)]}))

        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("registry:import_status", args=[job.pk])
        assert (job.status, job.created_count, job.uploaded_by, job.original_name) == (
            ImportJob.Status.DONE,
            2,
            world.users["officer_a"],
            "仪器.xlsx",
        )
        assert Instrument.objects.filter(unit=world.unit_a, asset_number__startswith="IMP-").count() == 2

        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "导入完成" in page.text and 'aria-valuenow="100"' in page.text
        assert "hx-trigger" not in page.text  # finished: no more polling

        # The new drafts go to review together, each through the workflow, and the page comes back.
        assert "提交本次导入的 2 条草稿审核" in page.text
        imported = list(
            Instrument.objects.filter(asset_number__startswith="IMP-").values_list("pk", flat=True)
        )
        submitted = client.post(
            reverse("registry:review_bulk"),
            {"action": "submit", "ids": imported, "next": response["Location"]},
        )
        assert submitted["Location"] == response["Location"]
        assert set(
            Instrument.objects.filter(pk__in=imported).values_list("registration_status", flat=True)
        ) == {RegistrationStatus.SUBMITTED}
        assert "提交本次导入" not in client.get(response["Location"]).text

    def test_a_unit_outside_the_users_editor_units_is_refused(self, world, client_for):
        response = upload(
            client_for(world.users["officer_a"]), world.unit_b, make_xlsx({SINGLE: [valid_row()]})
        )
        assert response.status_code == 400
        assert not ImportJob.objects.exists()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("仪器.csv", "单位内部编号,中文名称\n1,电镜\n".encode(), "只支持 Excel .xlsx 文件"),
            ("仪器.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "只支持 Excel .xlsx 文件"),
            ("照片.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "不是有效的 .xlsx 工作簿"),
            ("改名.xlsx", "单位内部编号,中文名称\n".encode(), "不是有效的 .xlsx 工作簿"),
            ("空.xlsx", b"", "提交的是空文件"),
        ],
    )
    def test_wrong_file_types_get_a_form_error(self, world, client_for, name, content, message):
        response = upload(client_for(world.users["officer_a"]), world.unit_a, content, name)
        assert response.status_code == 400
        assert message in response.text
        assert not ImportJob.objects.exists()

    def test_a_20_mb_file_is_refused_before_parsing(self, world, client_for):
        response = upload(client_for(world.users["officer_a"]), world.unit_a, b"\0" * (20 * 1024 * 1024))
        assert response.status_code == 400
        assert "超过上限 10.0\xa0MB" in response.text
        assert not ImportJob.objects.exists()

    @pytest.mark.parametrize(
        ("members", "message"),
        [
            # Honest sizes, well packed: under the old ratio limit (25 × 10 MB), over the 200 MB in total.
            ({"xl/worksheets/sheet9.xml": 201 * 2**20}, "工作簿解压后为 201.0\xa0MB，超过上限 200.0\xa0MB"),
            ({f"xl/media/image{n}.png": 0 for n in range(2000)}, "超过上限 2,000 个"),
        ],
    )
    def test_a_zip_bomb_gets_a_form_error_from_the_zip_directory(self, world, client_for, members, message):
        content = add_members(make_xlsx({SINGLE: [valid_row()]}), members)
        response = upload(client_for(world.users["officer_a"]), world.unit_a, content)
        assert response.status_code == 400
        assert message in response.text
        assert not ImportJob.objects.exists()


class TestStatus:
    @pytest.fixture
    def job(self, world):
        return ImportJob.objects.create(
            unit=world.unit_a,
            uploaded_by=world.users["officer_a"],
            original_name="大文件.xlsx",
            status=ImportJob.Status.VALIDATING,
            total_rows=16000,
            processed_rows=4000,
        )

    @pytest.mark.parametrize("role", ["officer_a", "unit_admin_a"])
    def test_uploader_and_unit_editors_see_the_progress(self, world, client_for, job, role):
        response = client_for(world.users[role]).get(reverse("registry:import_status", args=[job.pk]))
        assert response.status_code == 200
        assert 'role="progressbar"' in response.text and 'aria-valuenow="25"' in response.text
        assert 'hx-trigger="every 1s"' in response.text

    @pytest.mark.parametrize("role", ["unit_admin_b", "manager_a", "external_user", "platform_admin"])
    def test_others_get_404(self, world, client_for, job, role):
        response = client_for(world.users[role]).get(reverse("registry:import_status", args=[job.pk]))
        assert response.status_code == 404

    def test_htmx_polling_gets_the_partial_until_the_job_ends(self, world, client_for, job):
        client = client_for(world.users["officer_a"])
        url = reverse("registry:import_status", args=[job.pk])
        partial = client.get(url, headers={"HX-Request": "true"})
        assert partial.text.lstrip().startswith('<div id="import-progress"')
        assert "<html" not in partial.text
        assert "4000 / 16000" in partial.text

        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            errors=[
                {
                    "sheet": SINGLE,
                    "row": 7,
                    "column": "原值（元）*",
                    "value": "-5",
                    "message": "“原值（元）”须大于 0。",
                }
            ],
        )
        finished = client.get(url, headers={"HX-Request": "true"})
        assert "hx-trigger" not in finished.text
        assert "数据库未做任何修改" in finished.text
        assert "“原值（元）”须大于 0。" in finished.text and "<td>7</td>" in finished.text


class TestQueue:
    """A queued import says so, and says when nothing is processing the queue instead of waiting forever."""

    def queued(self, world, *, seconds_ago: int, status=ImportJob.Status.PENDING) -> ImportJob:
        job = ImportJob.objects.create(
            unit=world.unit_a, uploaded_by=world.users["officer_a"], original_name="仪器.xlsx", status=status
        )
        created = timezone.now() - dt.timedelta(seconds=seconds_ago)
        ImportJob.objects.filter(pk=job.pk).update(created_at=created)
        job.refresh_from_db()
        return job

    def status_page(self, world, client_for, job):
        url = reverse("registry:import_status", args=[job.pk])
        return client_for(world.users["officer_a"]).get(url, headers={"HX-Request": "true"})

    def test_a_fresh_job_says_how_many_are_ahead(self, world, client_for):
        self.queued(world, seconds_ago=5)
        job = self.queued(world, seconds_ago=2)
        page = self.status_page(world, client_for, job)
        assert 'data-queue="waiting"' in page.text and "前面还有 1 个导入任务" in page.text
        assert 'data-queue="stalled"' not in page.text

    def test_a_job_waiting_with_no_consumer_says_nothing_is_processing_it(self, world, client_for):
        job = self.queued(world, seconds_ago=progress.QUEUE_STALL_SECONDS + 5)
        page = self.status_page(world, client_for, job)
        assert 'data-queue="stalled"' in page.text and "run_huey" in page.text
        assert 'hx-trigger="every 1s"' in page.text  # it keeps polling: the job starts once a consumer runs

    def test_a_long_wait_behind_a_running_job_is_not_a_stall(self, world, client_for):
        self.queued(world, seconds_ago=600, status=ImportJob.Status.VALIDATING)
        job = self.queued(world, seconds_ago=progress.QUEUE_STALL_SECONDS + 5)
        page = self.status_page(world, client_for, job)
        assert 'data-queue="waiting"' in page.text and 'data-queue="stalled"' not in page.text

    def test_a_started_job_shows_no_queue_notice(self, world, client_for):
        job = self.queued(world, seconds_ago=600, status=ImportJob.Status.VALIDATING)
        assert "data-queue" not in self.status_page(world, client_for, job).text


def test_template_download(world, client_for):
    response = client_for(world.users["officer_a"]).get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert SINGLE in load_workbook(io.BytesIO(response.content)).sheetnames


def test_a_user_of_two_units_picks_one(world, client_for, django_capture_on_commit_callbacks):
    user = world.users["officer_a"]
    RoleAssignment.objects.create(user=user, role=Role.INFORMATION_OFFICER, organization=world.unit_b)
    SubUnitFactory(unit=world.unit_b, name="检验科")
    client = client_for(user)

    template = client.get(reverse("registry:import_template"), {"unit": world.unit_b.pk})
    codes = load_workbook(io.BytesIO(template.content))["代码表"]
    assert "检验科" in {cell.value for row in codes.iter_rows() for cell in row}
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world.unit_b, make_xlsx({SINGLE: [valid_row(sub_unit="检验科")]}))
    assert Instrument.objects.get(asset_number="IMP-00001").unit == world.unit_b


class TestExport:
    def csv_names(self, response) -> set[str]:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        return {row["中文名称"] for row in rows}

    def xlsx_names(self, response) -> set[str]:
        assert response["Content-Type"] == XLSX
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        names = set()
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            column = next(rows).index("中文名称*")
            next(rows)  # format row
            names |= {row[column] for row in rows}
        return names

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_rows_follow_the_role(self, world, client_for, fmt):
        read = self.csv_names if fmt == "csv" else self.xlsx_names
        url = reverse("registry:export", args=[fmt])
        unit_admin = client_for(world.users["unit_admin_a"]).get(url)
        assert read(unit_admin) == {"公开的电镜", "A单位草稿", "机组负责的草稿"}  # not B's draft
        assert (
            "attachment" in unit_admin["Content-Disposition"]
            and f".{fmt}" in unit_admin["Content-Disposition"]
        )

        assert read(client_for(world.users["external_user"]).get(url)) == {"公开的电镜"}

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_rows_follow_the_list_filter(self, world, client_for, fmt):
        InstrumentFactory(
            unit=world.unit_a, name="另一台光谱仪", registration_status=RegistrationStatus.PUBLISHED
        )
        read = self.csv_names if fmt == "csv" else self.xlsx_names
        client = client_for(world.users["platform_admin"])
        url = reverse("registry:export", args=[fmt])
        assert read(client.get(url, {"q": "光谱"})) == {"另一台光谱仪"}
        assert read(client.get(url, {"unit": world.unit_b.pk})) == {"B单位草稿"}
        assert read(client.get(url, {"status": "published"})) == {"公开的电镜", "另一台光谱仪"}

    def test_unknown_format_is_404_and_anonymous_must_log_in(self, world, client_for, client):
        assert client_for(world.users["unit_admin_a"]).get("/instruments/export.pdf").status_code == 404
        client.logout()
        response = client.get(reverse("registry:export", args=["csv"]))
        assert response.status_code == 302
