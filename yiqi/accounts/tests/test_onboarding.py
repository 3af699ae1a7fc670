"""Setting up a province without the Django admin: the authority from nothing, then pages and a spreadsheet."""

import io
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Invitation, Role, RoleAssignment, User
from yiqi.accounts.onboarding_import import DEPARTMENTS, REGIONS, UNITS, build_template
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Department, Deployment, Organization, Region
from yiqi.organizations.tests.factories import make_credit_code

STRONG = "Lab-Booking-2026!"
AUTHORITY = {
    "platform_name": "陕西省科研设施与仪器开放共享平台",
    "authority_name": "陕西省科学技术厅",
    "region_code": "610000",
    "region_name": "陕西省",
    "username": "kjt-admin",
    "email": "admin@kjt.example.cn",
}


def create_authority(**changes) -> str:
    options = {**AUTHORITY, "site_url": "https://yiqi.example.cn", **changes}
    out = StringIO()
    call_command(
        "create_authority", *[f"--{k.replace('_', '-')}={v}" for k, v in options.items()], stdout=out
    )
    return out.getvalue()


# --- create_authority ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_authority_from_an_empty_database_prints_a_link_to_set_the_password(client):
    output = create_authority()

    deployment = Deployment.objects.get()
    assert (deployment.name, deployment.authority_name, deployment.home_region_id) == (
        AUTHORITY["platform_name"],
        AUTHORITY["authority_name"],
        "610000",
    )
    assert Department.objects.get().name == "陕西省科学技术厅"
    admin = User.objects.get(username="kjt-admin")
    assert access_for(admin).is_platform_admin and not admin.has_usable_password()
    link = re.search(r"https://yiqi\.example\.cn(/\S+)", output).group(1)
    # The link sets the password once; then the administrator logs in with it.
    page = client.get(link, follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    assert User.objects.get(username="kjt-admin").check_password(STRONG)


@pytest.mark.django_db
def test_create_authority_is_idempotent():
    create_authority(password=STRONG)
    output = create_authority(password=STRONG)
    assert "nothing changed" in output
    assert (Deployment.objects.count(), Region.objects.count(), Department.objects.count()) == (1, 1, 1)
    assert RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"region_code": "61000"}, "6 位数字"),
        ({"region_code": "610100", "region_name": "西安市"}, "上级区划 610000 尚未登记"),
        ({"email": "not-an-email", "password": STRONG}, "有效的邮箱"),
        ({"password": "123"}, "password"),
        ({"site_url": ""}, "--site-url"),
    ],
)
def test_create_authority_refuses_bad_input_and_writes_nothing(changes, message):
    with pytest.raises(CommandError, match=message):
        create_authority(**changes)
    assert not Deployment.objects.exists() and not User.objects.exists()
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_create_authority_refuses_to_overwrite_another_setup():
    create_authority(password=STRONG)
    with pytest.raises(CommandError, match="不能用本命令改为其他设置"):
        create_authority(password=STRONG, platform_name="别的平台")
    with pytest.raises(CommandError, match="已被其他邮箱的账号使用"):
        create_authority(password=STRONG, email="someone@else.cn")
    assert Deployment.objects.get().name == AUTHORITY["platform_name"]


# --- pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def authority(db):
    create_authority(password=STRONG)
    return User.objects.get(username="kjt-admin")


def test_the_authority_adds_a_region_a_department_and_a_unit_whose_admin_is_invited(client, authority):
    client.force_login(authority)
    assert client.get(reverse("accounts:setup")).status_code == 200
    client.post(reverse("accounts:setup_region"), {"code": "610100", "name": "西安市"})
    client.post(reverse("accounts:setup_department"), {"name": "陕西省教育厅", "region": "610000"})
    department = Department.objects.get(name="陕西省教育厅")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("accounts:setup_unit"),
            {
                "name": "西北测试大学",
                "kind": "university",
                "credit_code": make_credit_code(1, "610100"),
                "region": "610100",
                "supervising_department": department.pk,
                "admin_email": "head@nwu.example.cn",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    unit = Organization.objects.get(name="西北测试大学")
    assert unit.is_management_unit and unit.supervising_department == department
    assert Region.objects.get(code="610100").parent_id == "610000"
    invitation = Invitation.objects.get(organization=unit)
    assert (invitation.email, invitation.role) == ("head@nwu.example.cn", Role.UNIT_ADMIN)
    (message,) = mail.outbox
    assert "http://testserver/accounts/invitations/" in message.body
    assert AuditEvent.objects.for_object(unit).filter(action="create", actor=authority).exists()


def test_the_authority_registers_a_department_whose_admin_accepts_and_supervises_it(client, authority):
    client.force_login(authority)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("accounts:setup_department"),
            {"name": "陕西省教育厅", "region": "610000", "admin_email": "admin@jyt.example.cn"},
        )
    assert response.status_code == 302
    department = Department.objects.get(name="陕西省教育厅")
    (message,) = mail.outbox
    assert message.to == ["admin@jyt.example.cn"] and "陕西省教育厅" in message.subject
    link = re.search(r"http://testserver(/accounts/invitations/\S+)", message.body).group(1)

    client.logout()
    assert "陕西省教育厅" in client.get(link).text
    response = client.post(
        link,
        {
            "username": "jyt-admin",
            "full_name": "张处长",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="jyt-admin")
    assert access_for(user).department_ids == {department.pk}
    assert RoleAssignment.objects.get(user=user).role == Role.DEPARTMENT_ADMIN
    # The authority's pending invitations list it under the department.
    assert Invitation.objects.get().scope == department


@pytest.mark.parametrize(
    ("route", "data", "field", "message"),
    [
        ("accounts:setup_region", {"code": "620100", "name": "兰州市"}, "code", "上级区划 620000 尚未登记"),
        ("accounts:setup_region", {"code": "610000", "name": "陕西省"}, "code", "已经登记"),
        ("accounts:setup_region", {"code": "abc", "name": "x"}, "code", "6 位数字"),
        ("accounts:setup_department", {"name": "陕西省科学技术厅", "region": "610000"}, "name", "已经登记"),
        (
            "accounts:setup_department",
            {"name": "陕西省教育厅", "region": "610000", "admin_email": "nope"},
            "admin_email",
            "",
        ),
        ("accounts:setup_unit", {"credit_code": "91610000MA6TXXXX0X"}, "credit_code", ""),
        ("accounts:setup_unit", {"admin_email": "nope"}, "admin_email", ""),
        ("accounts:setup_unit", {"supervising_department": ""}, "supervising_department", ""),
    ],
)
def test_bad_input_in_the_pages_is_a_field_error_and_nothing_is_saved(
    client, authority, route, data, field, message
):
    department = Department.objects.get()
    unit = {
        "name": "西北测试大学",
        "kind": "university",
        "credit_code": make_credit_code(1, "610000"),
        "region": "610000",
        "supervising_department": department.pk,
        "admin_email": "head@nwu.example.cn",
    }
    client.force_login(authority)
    before = Region.objects.count(), Department.objects.count(), Organization.objects.count()
    response = client.post(reverse(route), {**(unit if route == "accounts:setup_unit" else {}), **data})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert (Region.objects.count(), Department.objects.count(), Organization.objects.count()) == before
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.UNIT_ADMIN, Role.EXTERNAL_USER])
def test_only_the_platform_admin_sets_up(client, authority, role):
    unit = Organization.objects.create(
        name="某单位",
        kind="university",
        region_id="610000",
        credit_code=make_credit_code(9, "610000"),
        is_management_unit=True,
        supervising_department=Department.objects.get(),
    )
    client.force_login(user_with_role(role, organization=unit))
    for route in ("accounts:setup", "accounts:setup_template", "accounts:setup_unit"):
        assert client.get(reverse(route)).status_code == 403
    assert (
        client.post(reverse("accounts:setup_region"), {"code": "610100", "name": "西安市"}).status_code == 403
    )
    assert not Region.objects.filter(code="610100").exists()


# --- the spreadsheet -----------------------------------------------------------------------------------------------


def filled_template(regions=(), departments=(), units=()) -> bytes:
    """The downloaded template with rows typed into its sheets below the header and format rows."""
    wb = load_workbook(io.BytesIO(build_template()))
    for sheet, rows in ((REGIONS, regions), (DEPARTMENTS, departments), (UNITS, units)):
        for row in rows:
            wb[sheet].append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unit_row(n, name=None, department="陕西省教育厅", region="610100", **changes):
    row = {
        "name": name or f"测试大学{n}",
        "short_name": "",
        "kind": "高等院校",
        "credit_code": make_credit_code(n, region),
        "region": region,
        "department": department,
        "address": "",
        "admin_email": f"admin{n}@example.cn",
    }
    row.update(changes)
    return list(row.values())


def upload(client, content: bytes):
    return client.post(
        reverse("accounts:setup"),
        {"file": SimpleUploadedFile("省级初始化.xlsx", content)},
    )


def test_the_template_imports_regions_departments_units_and_invites_their_admins(client, authority):
    content = filled_template(
        regions=[("610100", "西安市"), ("610113", "雁塔区")],
        departments=[("陕西省教育厅", "610000", "admin@jyt.example.cn"), ("陕西省卫生健康委员会", "610000")],
        units=[
            unit_row(1),
            unit_row(2, region="610113", department="陕西省卫生健康委员会", kind="医疗卫生机构"),
        ],
    )
    client.force_login(authority)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = upload(client, content)
    assert response.status_code == 302, [e["message"] for e in response.context["result"].errors]
    assert Region.objects.get(code="610113").parent_id == "610100"
    second = Organization.objects.get(name="测试大学2")
    assert second.kind == "hospital" and second.supervising_department.name == "陕西省卫生健康委员会"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin1@example.cn",
        "admin2@example.cn",
        "admin@jyt.example.cn",
    ]
    assert Invitation.objects.filter(role=Role.UNIT_ADMIN).count() == 2
    # A department's admin is invited into the department; one left without an address gets nobody yet.
    (department_invitation,) = Invitation.objects.filter(role=Role.DEPARTMENT_ADMIN)
    assert (
        department_invitation.department.name == "陕西省教育厅" and department_invitation.organization is None
    )

    # The same file again changes nothing: every row is already registered.
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = upload(client, content)
    assert again.status_code == 302 and len(mail.outbox) == 3
    assert Organization.objects.count() == 2
    page = client.get(reverse("accounts:setup"))
    assert "跳过已登记的 6 行" in page.text and "admin1@example.cn" in page.text


@pytest.mark.parametrize(
    ("sheet", "row", "column", "message"),
    [
        (REGIONS, ("6101", "西安市"), "行政区划代码*", "6 位数字"),
        (REGIONS, ("620100", "兰州市"), "行政区划代码*", "上级区划"),
        (DEPARTMENTS, ("陕西省水利厅", "620000"), "所在区划代码*", "未登记"),
        (DEPARTMENTS, ("陕西省水利厅", "610000", "nobody"), "部门管理员邮箱", "主管部门管理员的有效邮箱"),
        (UNITS, unit_row(3, credit_code="91610000MA6TXXXX0Y"), "统一社会信用代码*", "统一社会信用代码"),
        (UNITS, unit_row(3, credit_code=""), "统一社会信用代码*", "必填项"),
        (UNITS, unit_row(3, kind="外星机构"), "单位类型*", "不是有效的单位类型"),
        (UNITS, unit_row(3, department="不存在的厅"), "主管部门*", "未登记"),
        (UNITS, unit_row(3, admin_email="nobody"), "单位管理员邮箱*", "有效邮箱"),
        (UNITS, unit_row(3, name="测试大学1"), "单位名称*", "重复"),
        (UNITS, unit_row(1, name="另一所大学"), "统一社会信用代码*", "重复"),
    ],
)
def test_every_problem_is_reported_by_sheet_row_and_column_and_nothing_is_written(
    client, authority, sheet, row, column, message
):
    rows = {
        REGIONS: [("610100", "西安市")],
        DEPARTMENTS: [("陕西省教育厅", "610000")],
        UNITS: [unit_row(1)],
    }
    rows[sheet].append(row)
    client.force_login(authority)
    response = upload(client, filled_template(rows[REGIONS], rows[DEPARTMENTS], rows[UNITS]))
    assert response.status_code == 400
    (error,) = response.context["result"].errors
    assert (error["sheet"], error["row"], error["column"]) == (sheet, 4, column)
    assert message in error["message"]
    assert "数据库未做任何修改" in response.text
    assert not Region.objects.filter(code="610100").exists()
    assert Department.objects.count() == 1 and not Organization.objects.exists()
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (filled_template(), "没有可导入的数据行"),
        (b"not a workbook", "有效的 .xlsx"),
    ],
)
def test_empty_or_wrong_files_are_refused_clearly(client, authority, content, message):
    client.force_login(authority)
    response = upload(client, content)
    assert response.status_code == 400 and message in response.text


def test_the_template_download(client, authority):
    client.force_login(authority)
    response = client.get(reverse("accounts:setup_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == [REGIONS, DEPARTMENTS, UNITS]
    assert [c.value for c in wb[UNITS][1]][:4] == ["单位名称*", "简称", "单位类型*", "统一社会信用代码*"]


def test_the_authoritys_workspace_links_to_the_setup(client, authority):
    client.force_login(authority)
    assert reverse("accounts:setup") in client.get(reverse("portal:workspace")).text
