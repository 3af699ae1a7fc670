"""A province set up from an empty database through pages and spreadsheets only, in a real browser: the
authority is created by ``create_authority``, its administrator imports a department and a unit with their first
admins, who accept their invitations; the unit admin invites an information officer, who imports the unit's
instruments from the template and submits them; the unit admin confirms and the authority approves them in bulk;
they are in the public catalogue and in the department's list of the units it supervises."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from openpyxl import load_workbook

from yiqi.core.tests.test_service_journeys import CHROMEDRIVER, CHROMIUM, Visitor, browser  # noqa: F401
from yiqi.organizations.tests.factories import make_credit_code
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.test_spreadsheets import SINGLE, label, valid_row

pytestmark = [
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Chromium and ChromeDriver are not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The imports, invitations and approvals are tested on both databases beside their apps; this adds the
    # browser's path through the pages: once, in the SQLite pass.
    pytest.mark.sqlite_once,
]

STRONG = "Lab-Booking-2026!"


def log_in(visitor: Visitor, username: str):
    visitor.driver.delete_all_cookies()
    visitor.open("/accounts/login/")
    visitor.type("username", username)
    visitor.type("password", STRONG)
    visitor.click_button("登录")
    visitor.wait_for(lambda: "/accounts/login/" not in visitor.driver.current_url)


def downloaded(visitor: Visitor, link_text: str) -> Path:
    """Click a download link; the file once the browser has finished writing it (renamed to .xlsx)."""
    before = set(visitor.driver.downloads.iterdir())
    visitor.click_link(link_text)

    def new_file():
        return next(
            (p for p in set(visitor.driver.downloads.iterdir()) - before if p.suffix == ".xlsx"), None
        )

    visitor.wait_for(lambda: new_file() is not None)
    return new_file()


def upload(visitor: Visitor, path: Path, button: str):
    visitor.driver.find_element("name", "file").send_keys(str(path))
    visitor.click_button(button)


def invitation_link(email: str) -> str:
    (message,) = [m for m in mail.outbox if email in m.to]
    return re.search(r"https?://\S+", message.body).group(0)


def accept(visitor: Visitor, link: str, username: str, full_name: str):
    visitor.driver.delete_all_cookies()
    visitor.driver.get(link)
    visitor.type("username", username)
    visitor.type("full_name", full_name)
    visitor.type("password1", STRONG)
    visitor.type("password2", STRONG)
    visitor.click_button("注册并接受邀请")
    visitor.sees("您已加入")


def test_a_province_is_set_up_from_an_empty_database(browser, live_server, tmp_path):  # noqa: F811
    assert not Instrument.objects.exists()
    call_command(
        "create_authority",
        "--platform-name=陕西省科研设施与仪器开放共享平台",
        "--authority-name=陕西省科学技术厅",
        "--region-code=610000",
        "--region-name=陕西省",
        "--username=kjt-admin",
        "--email=admin@kjt.example.cn",
        f"--password={STRONG}",
    )
    visitor = Visitor(browser, live_server)

    # The authority's administrator fills in the setup template and imports it.
    log_in(visitor, "kjt-admin")
    visitor.open("/accounts/setup/")
    template = downloaded(visitor, "下载导入模板")
    book = load_workbook(template)
    book["行政区划"].append(["610100", "西安市"])
    book["主管部门"].append(["陕西省教育厅", "610000", "admin@jyt.example.cn"])
    book["管理单位"].append(
        [
            "西北测试大学",
            "西测大",
            "高等院校",
            make_credit_code(7, "610100"),
            "610100",
            "陕西省教育厅",
            "",
            "head@nwu.example.cn",
        ]
    )
    filled = tmp_path / "province.xlsx"
    book.save(filled)
    upload(visitor, filled, "上传并导入")
    visitor.sees("导入完成", "西北测试大学", "head@nwu.example.cn")

    # The supervising department's admin takes up their invitation too.
    accept(visitor, invitation_link("admin@jyt.example.cn"), "jyt-admin", "张处长")

    # The unit's first admin accepts the invitation and invites an information officer from the members page.
    accept(visitor, invitation_link("head@nwu.example.cn"), "nwu-head", "王主任")
    visitor.open("/accounts/members/")
    visitor.type("email", "officer@nwu.example.cn")
    visitor.driver.find_element("css selector", "select[name=role] option[value=information_officer]").click()
    visitor.click_button("发送邀请")
    visitor.sees("邀请已发送")

    # The officer joins, fills in the unit's instrument template and imports it.
    accept(visitor, invitation_link("officer@nwu.example.cn"), "nwu-officer", "李老师")
    visitor.open("/instruments/import/")
    template = downloaded(visitor, "下载导入模板")
    book = load_workbook(template)
    sheet = book[SINGLE]
    headers = [c.value for c in sheet[1]]
    for n in (1, 2):
        row = valid_row(n, name=f"场发射扫描电镜{n}")
        sheet.append([row.get(field) for field in _fields(headers)])
    filled = tmp_path / "instruments.xlsx"
    book.save(filled)
    upload(visitor, filled, "上传并导入")
    visitor.sees("导入完成")
    visitor.click_button("提交本次导入的 2 条草稿审核")
    visitor.sees("已处理 2 条")

    # The unit admin confirms both at once, then the authority approves both at once.
    for username, action in (("nwu-head", "批量单位确认"), ("kjt-admin", "批量审核通过并发布")):
        log_in(visitor, username)
        visitor.open("/instruments/review/")
        visitor.driver.find_element("css selector", "input[data-select-all]").click()
        visitor.click_button(action)
        visitor.sees("已处理 2 条")
    assert set(Instrument.objects.values_list("registration_status", flat=True)) == {
        RegistrationStatus.PUBLISHED
    }

    # Anyone finds them in the public catalogue.
    visitor.driver.delete_all_cookies()
    visitor.open("/catalog/?q=场发射扫描电镜")
    visitor.sees("场发射扫描电镜1", "场发射扫描电镜2", "西北测试大学")

    # The department sees them among the instruments of the units it supervises.
    log_in(visitor, "jyt-admin")
    visitor.open("/instruments/?scope=supervised")
    visitor.sees("场发射扫描电镜1", "场发射扫描电镜2")


def _fields(headers):
    """The instrument field of each template column, in the template's order."""
    from yiqi.registry.spreadsheets import COLUMNS

    by_label = {label(c.field): c.field for c in COLUMNS}
    return [by_label[h] for h in headers]
