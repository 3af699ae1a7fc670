import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yiqi.accounts.models import Role, RoleAssignment
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory, SubUnitFactory
from yiqi.registry import spreadsheets
from yiqi.registry.models import ImportJob, Instrument, RegistrationStatus
from yiqi.registry.spreadsheets import COLUMN_BY_FIELD, importer, sheet_columns
from yiqi.registry.tasks import run_import_job
from yiqi.registry.tests.factories import InstrumentFactory

SINGLE = "单台套仪器"
CENTER = "科学仪器中心"


def label(field: str) -> str:
    return COLUMN_BY_FIELD[field].label


def valid_row(n: int = 1, **changes) -> dict:
    """One good record keyed by model field; ``changes`` override or blank (None) cells."""
    row = {
        "asset_number": f"IMP-{n:05d}",
        "name": f"扫描电镜{n}",
        "category": "010102 扫描电镜",
        "original_value": 3200000,
        "manufacturer": "日本电子株式会社",
        "country_of_origin": "日本",
        "model_spec": "JSM-7800F",
        "technical_indicators": "分辨率 0.8 nm",
        "main_functions": "形貌观察",
        "acceptance_date": dt.datetime(2024, 3, 15),
        "contact_name": "李老师",
        "contact_phone": "029-88880000",
        "sharing_mode": "对社会开放",
    }
    row.update(changes)
    return row


def make_xlsx(sheets: dict[str, list[dict]], *, hint_row: bool = True, headers: dict | None = None) -> bytes:
    """A workbook laid out like the template; ``headers`` maps sheet → explicit header row."""
    kinds = {name: kind for kind, name in spreadsheets.sheet_names().items()}
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        columns = sheet_columns(kinds[name]) if name in kinds else []
        ws.append(headers[name] if headers and name in headers else [c.label for c in columns])
        if hint_row:
            ws.append([c.hint for c in columns])
        for row in rows:
            ws.append([row.get(c.field) for c in columns] if columns else list(row.values()))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def add_members(content: bytes, sizes: dict[str, int]) -> bytes:
    """The workbook with further members of the given uncompressed sizes (zeros, which pack to almost nothing)."""
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, size in sizes.items():
            with archive.open(name, "w") as member:
                for start in range(0, size, 2**20):
                    member.write(bytes(min(2**20, size - start)))
    return out.getvalue()


def run(unit, user, content: bytes, name: str = "导入.xlsx") -> ImportJob:
    job = ImportJob.objects.create(
        unit=unit, uploaded_by=user, file=ContentFile(content, name=name), original_name=name
    )
    run_import_job(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def unit(db):
    return OrganizationFactory(name="西北测试大学")


@pytest.fixture
def officer(unit):
    return user_with_role(Role.INFORMATION_OFFICER, organization=unit)


def the_error(job: ImportJob) -> dict:
    assert job.status == ImportJob.Status.FAILED, job.errors
    assert len(job.errors) == 1, job.errors
    return job.errors[0]


class TestTemplate:
    def test_sheets_headers_and_drop_downs(self, unit):
        SubUnitFactory(unit=unit, name="分析测试中心")
        InstrumentFactory(unit=unit, kind=Instrument.Kind.INSTRUMENT_CENTER, asset_number="CENTER-1")
        wb = load_workbook(io.BytesIO(spreadsheets.build_template(unit)))

        assert wb.sheetnames == [SINGLE, "大型科研设施", CENTER, "科学仪器服务单元", "填写说明", "代码表"]
        assert wb["代码表"].sheet_state == "hidden"
        single, center = wb[SINGLE], wb[CENTER]
        headers = [c.value for c in single[1]]
        assert headers[0] == "单位内部编号*"
        assert {
            "中文名称*",
            "分类代码*",
            "原值（元）*",
            "安装验收日期*",
            "产地国别*",
            "所属设施/中心编号",
        } <= set(headers)
        assert [c.value for c in center[1]] == headers[:-1]  # no parent column for a centre
        assert single["A2"].value.startswith("asset_number")

        codes = {c[0].value: [v.value for v in c[1:] if v.value] for c in wb["代码表"].iter_cols()}
        assert "010102 扫描电镜" in codes["分类代码"]
        assert "010000 分析仪器" not in codes["分类代码"]  # leaves only
        assert codes["产地国别"][0] == "中国" and "日本" in codes["产地国别"]
        assert codes["所属内设机构"] == ["分析测试中心"]
        assert codes["所属设施/中心编号"] == ["CENTER-1"]
        assert codes["海关监管"] == ["是", "否"]

        validations = {str(dv.sqref).split("3:")[0]: dv for dv in single.data_validations.dataValidation}
        category_letter = chr(ord("A") + headers.index("分类代码*"))
        assert validations[category_letter].type == "list"
        assert validations[category_letter].formula1.startswith("'代码表'!$")
        assert len(validations) == len(codes)  # one drop-down per coded column

    def test_blank_template_imports_nothing(self, unit, officer):
        job = run(unit, officer, spreadsheets.build_template(unit))
        assert the_error(job)["message"] == "文件中没有可导入的数据行。"


class TestImport:
    def test_valid_file_creates_drafts_with_history(self, unit, officer):
        rows = [valid_row(n) for n in range(1, 6)]
        job = run(unit, officer, make_xlsx({SINGLE: rows}))

        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.created_count, job.updated_count) == (5, 0)
        assert (job.total_rows, job.processed_rows) == (5, 5)
        assert job.finished_at is not None
        created = Instrument.objects.filter(unit=unit).order_by("asset_number")
        assert [i.asset_number for i in created] == [r["asset_number"] for r in rows]
        first = created[0]
        assert first.registration_status == RegistrationStatus.DRAFT
        assert first.created_by == officer
        assert first.category_id == "010102"
        assert first.country_of_origin.code == "JP"
        assert first.original_value == Decimal("3200000.00")
        assert first.registration_due is not None  # deadline derived as on the form
        assert Instrument.history.filter(unit=unit, history_type="+", history_user=officer).count() == 5

    def test_reimport_updates_instead_of_duplicating(self, unit, officer):
        rows = [valid_row(n) for n in range(1, 4)]
        run(unit, officer, make_xlsx({SINGLE: rows}))
        rows[1]["name"] = "改名后的电镜"

        job = run(unit, officer, make_xlsx({SINGLE: rows}))

        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.created_count, job.updated_count) == (0, 1)  # unchanged rows are not rewritten
        assert Instrument.objects.filter(unit=unit).count() == 3
        changed = Instrument.objects.get(unit=unit, asset_number=rows[1]["asset_number"])
        assert changed.name == "改名后的电镜"
        assert list(changed.history.values_list("history_type", flat=True)) == ["~", "+"]

    def test_accepts_the_usual_spellings_of_values(self, unit, officer):
        sub_unit = SubUnitFactory(unit=unit, name="材料学院")
        row = valid_row(
            asset_number=20240001,  # typed as a number
            category=10102,  # Excel dropped the leading zero
            original_value="1,234,567.5元",
            country_of_origin="us",
            acceptance_date="2024/3/5",
            start_of_use_date="2024年4月1日",
            customs_supervised="是",
            offers_self_operation=True,
            sharing_mode="internal",
            operating_status="闲置",
            sub_unit="材料学院",
            contact_phone=13800000000,
        )
        job = run(unit, officer, make_xlsx({SINGLE: [row]}, hint_row=False))

        assert job.status == ImportJob.Status.DONE, job.errors
        instrument = Instrument.objects.get(unit=unit)
        assert instrument.asset_number == "20240001"
        assert instrument.category_id == "010102"
        assert instrument.original_value == Decimal("1234567.50")
        assert instrument.country_of_origin.code == "US"
        assert (instrument.acceptance_date, instrument.start_of_use_date) == (
            dt.date(2024, 3, 5),
            dt.date(2024, 4, 1),
        )
        assert instrument.customs_supervised and instrument.offers_self_operation
        assert instrument.sharing_mode == Instrument.SharingMode.INTERNAL
        assert instrument.operating_status == Instrument.OperatingStatus.IDLE
        assert instrument.sub_unit == sub_unit
        assert instrument.contact_phone == "13800000000"

    def test_members_may_name_a_facility_from_the_same_file_or_the_database(self, unit, officer):
        existing = InstrumentFactory(unit=unit, kind=Instrument.Kind.SERVICE_UNIT, asset_number="SU-1")
        content = make_xlsx(
            {
                SINGLE: [valid_row(1, parent="C-1"), valid_row(2, parent="SU-1"), valid_row(3)],
                CENTER: [valid_row(name="测试中心", asset_number="C-1")],
            }
        )
        job = run(unit, officer, content)

        assert job.status == ImportJob.Status.DONE, job.errors
        center = Instrument.objects.get(asset_number="C-1")
        assert center.kind == Instrument.Kind.INSTRUMENT_CENTER
        parents = dict(
            Instrument.objects.filter(unit=unit, kind="single_instrument").values_list(
                "asset_number", "parent"
            )
        )
        assert parents == {"IMP-00001": center.pk, "IMP-00002": existing.pk, "IMP-00003": None}

    def test_blank_rows_are_skipped(self, unit, officer):
        content = make_xlsx({SINGLE: [valid_row(1), {}, {"name": "   "}, valid_row(2)]})
        job = run(unit, officer, content)
        assert job.status == ImportJob.Status.DONE, job.errors
        assert job.created_count == 2


FUTURE = timezone.localdate() + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("original_value", -5, "须大于 0"),
        ("original_value", 0, "须大于 0"),
        ("original_value", 1e12, "超过上限"),
        ("original_value", "三百万", "请填写数字"),
        ("category", "123456 不存在", "未知的分类代码"),
        ("acceptance_date", FUTURE, "不能晚于今天"),
        ("acceptance_date", "2024-13-45", "日期无效"),
        ("start_of_use_date", "2024-01-01", "启用日期不能早于安装验收日期"),
        ("name", "长" * 101, "不能超过 100 个字"),
        ("technical_indicators", "x" * 501, "不能超过 500 个字"),
        ("sharing_mode", "随便", "不是有效的选项"),
        ("customs_supervised", "也许", "请填写“是”或“否”"),
        ("country_of_origin", "火星", "未知的国家或地区"),
        # A blank country is not recorded as made in China.
        ("country_of_origin", None, "必填项"),
        ("country_of_origin", "  ", "必填项"),
        ("contact_phone", "打电话", "有效的电话号码"),
        ("contact_email", "not-an-email", "邮件"),
        ("sub_unit", "不存在的学院", "没有名为"),
        ("parent", "NO-SUCH", "没有编号为"),
        ("name", None, "必填项"),
        ("manufacturer", "   ", "必填项"),
    ],
)
def test_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(unit, officer, field, value, message):
    InstrumentFactory(unit=unit, asset_number="IMP-00002", name="原名")
    before = Instrument.objects.count(), Instrument.history.count()
    rows = [valid_row(1), valid_row(2, name="新名"), valid_row(3, **{field: value}), valid_row(4)]

    job = run(unit, officer, make_xlsx({SINGLE: rows}))

    error = the_error(job)
    assert (error["sheet"], error["row"], error["column"]) == (SINGLE, 5, label(field))
    assert message in error["message"]
    assert (Instrument.objects.count(), Instrument.history.count()) == before
    assert Instrument.objects.get(asset_number="IMP-00002").name == "原名"


def test_not_shared_needs_a_reason(unit, officer):
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row(sharing_mode="不共享")]}))
    error = the_error(job)
    assert (error["row"], error["column"]) == (3, "不共享原因")
    assert "须说明原因" in error["message"]


def test_duplicate_asset_number_in_the_file(unit, officer):
    content = make_xlsx({SINGLE: [valid_row(1), valid_row(2)], CENTER: [valid_row(2, name="中心")]})
    job = run(unit, officer, content)
    error = the_error(job)
    assert (error["sheet"], error["row"], error["column"]) == (SINGLE, 4, "单位内部编号*")
    assert "与工作表“科学仪器中心”第 3 行重复" in error["message"]
    assert not Instrument.objects.exists()


def test_records_under_review_cannot_be_changed(unit, officer):
    InstrumentFactory(unit=unit, asset_number="IMP-00001", registration_status=RegistrationStatus.SUBMITTED)
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row(1), valid_row(2)]}))
    error = the_error(job)
    assert (error["row"], error["column"]) == (3, "单位内部编号*")
    assert "待单位确认" in error["message"]
    assert Instrument.objects.count() == 1


def test_one_bad_row_among_many_writes_nothing(unit, officer):
    rows = [valid_row(n) for n in range(1, 301)]
    rows[250]["original_value"] = -1
    job = run(unit, officer, make_xlsx({SINGLE: rows}))
    assert the_error(job)["row"] == 253
    assert not Instrument.objects.exists()


def test_every_bad_row_is_reported_up_to_a_limit(unit, officer, monkeypatch):
    monkeypatch.setattr(importer, "MAX_STORED_ERRORS", 3)
    rows = [valid_row(n, original_value=-1) for n in range(1, 6)]
    job = run(unit, officer, make_xlsx({SINGLE: rows}))
    assert job.status == ImportJob.Status.FAILED
    assert [e["row"] for e in job.errors[:3]] == [3, 4, 5]
    assert job.errors[3]["message"] == "另有 2 处错误未列出（共 5 处）。"


def test_unknown_and_missing_headers(unit, officer):
    columns = sheet_columns(Instrument.Kind.SINGLE_INSTRUMENT)
    headers = [c.label for c in columns if c.field != "manufacturer"] + ["备注"]
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row()]}, headers={SINGLE: headers}))
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (1, "备注", "无法识别的列名，请使用导入模板中的列名。"),
        (1, "生产制造商*", "缺少必填列“生产制造商*”。"),
    ]


def test_unknown_sheet_with_data(unit, officer):
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row()], "Sheet1": [{"a": "数据"}]}))
    assert "无法识别的工作表“Sheet1”" in the_error(job)["message"]
    assert not Instrument.objects.exists()


def test_row_limit(unit, officer, settings):
    settings.YIQI_IMPORT_MAX_ROWS = 2
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row(n) for n in range(1, 4)]}))
    assert "数据行数超过上限 2 行" in the_error(job)["message"]


def test_damaged_file_fails_cleanly(unit, officer):
    job = run(unit, officer, b"PK\x03\x04 not really a workbook")
    assert "无法读取该文件" in the_error(job)["message"]


def test_a_zip_bomb_is_refused_before_the_workbook_is_read(unit, officer, monkeypatch):
    def load_workbook(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(importer, "load_workbook", load_workbook)
    content = add_members(make_xlsx({SINGLE: [valid_row()]}), {"xl/media/image1.bin": 201 * 2**20})
    assert len(content) < 2**20  # what was uploaded is small

    error = the_error(run(unit, officer, content))

    assert error["message"].startswith("工作簿解压后为 201.0\xa0MB，超过上限 200.0\xa0MB。")
    assert not Instrument.objects.exists()


def test_uploader_who_lost_the_editor_role(unit, officer):
    RoleAssignment.objects.filter(user=officer).delete()
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row()]}))
    assert "没有该单位的仪器编辑权限" in the_error(job)["message"]
    assert not Instrument.objects.exists()


def test_unexpected_error_rolls_everything_back(unit, officer, monkeypatch):
    InstrumentFactory(unit=unit, asset_number="IMP-00001", name="原名")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "bulk_update_with_history", broken)
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row(1), valid_row(2)]}))  # one update, one new

    assert job.status == ImportJob.Status.ERROR
    assert "内部错误" in job.errors[0]["message"]
    assert list(Instrument.objects.values_list("asset_number", "name")) == [("IMP-00001", "原名")]


def test_a_job_runs_once(unit, officer):
    job = run(unit, officer, make_xlsx({SINGLE: [valid_row()]}))
    run_import_job(job.pk)
    assert Instrument.objects.count() == 1


class TestExport:
    def test_round_trip_export_then_import(self, unit, officer):
        sub_unit = SubUnitFactory(unit=unit, name="化学学院")
        center = InstrumentFactory(unit=unit, kind=Instrument.Kind.INSTRUMENT_CENTER, asset_number="C-1")
        InstrumentFactory(unit=unit, parent=center, sub_unit=sub_unit, customs_supervised=True, name="=1+1")
        InstrumentFactory(
            unit=unit, registration_status=RegistrationStatus.PUBLISHED, start_of_use_date=dt.date(2024, 5, 1)
        )
        queryset = Instrument.objects.filter(unit=unit)
        with spreadsheets.export_xlsx(queryset) as exported:
            content = exported.read()
        history_before = Instrument.history.count()

        job = run(unit, officer, content)
        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.total_rows, job.created_count, job.updated_count) == (3, 0, 0)
        assert Instrument.history.count() == history_before

        wb = load_workbook(io.BytesIO(content))
        ws = wb[SINGLE]
        name_column = [c.value for c in ws[1]].index("中文名称*") + 1
        names = [ws.cell(row=r, column=name_column).value for r in (3, 4)]
        assert "=1+1" in names  # text, not a formula
        ws.cell(row=3 + names.index("=1+1"), column=name_column, value="改过的名字")
        out = io.BytesIO()
        wb.save(out)
        job = run(unit, officer, out.getvalue())
        assert (job.status, job.created_count, job.updated_count) == (ImportJob.Status.DONE, 0, 1)
        assert Instrument.objects.filter(name="改过的名字", parent=center, sub_unit=sub_unit).exists()

    def test_rows_of_another_unit_are_refused(self, unit, officer):
        other = OrganizationFactory(name="别的大学")
        InstrumentFactory(unit=other)
        with spreadsheets.export_xlsx(Instrument.objects.filter(unit=other)) as exported:
            job = run(unit, officer, exported.read())
        error = the_error(job)
        assert error["column"] == "管理单位"
        assert "别的大学" in error["message"]

    def test_csv_has_a_bom_and_neutralises_formulas(self, unit):
        InstrumentFactory(unit=unit, name="=HYPERLINK(1)", contact_phone="+86 29 8888 0000")
        text = "".join(spreadsheets.export_csv(Instrument.objects.all()))
        assert text.startswith("\ufeff单位内部编号,中文名称,")
        assert "'=HYPERLINK(1)" in text
        assert ",+86 29 8888 0000," in text
        assert "西北测试大学" in text and "草稿" in text


def test_two_thousand_rows_import_in_one_job(unit, officer):
    rows = [valid_row(n, name=f"仪器{n}") for n in range(1, 2001)]
    job = run(unit, officer, make_xlsx({SINGLE: rows}))
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.created_count, job.processed_rows, job.total_rows) == (2000, 2000, 2000)
    assert Instrument.objects.filter(unit=unit).count() == 2000
    assert Instrument.history.filter(unit=unit).count() == 2000
