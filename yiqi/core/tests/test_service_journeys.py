"""End to end in a real browser (headless Chromium through ChromeDriver): an outside company books an instrument,
is served, pays and rates; another sends samples and downloads its results. Every click goes through the live
server, so pages, forms, services and the database are exercised together as a user meets them."""

import datetime as dt
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from selenium.common.exceptions import ElementClickInterceptedException, WebDriverException
from selenium.webdriver.common.keys import Keys

from yiqi.accounts.tests.factories import PASSWORD
from yiqi.booking.models import Booking, BookingStatus
from yiqi.feedback.models import Rating
from yiqi.fees.models import Charge, FeeItem
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.usage.models import UsageRecord

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
        reason="Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Every service these journeys call is tested on both databases beside its app; what only they add is the
    # browser's path through the pages: once, in the SQLite pass.
    pytest.mark.sqlite_once,
]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "zh-CN,zh",
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    driver.downloads = downloads
    yield driver
    driver.quit()


class Visitor:
    """One person at the browser: logs in through the login page, clicks, fills in forms."""

    def __init__(self, driver, live_server):
        self.driver, self.base = driver, live_server.url

    def open(self, path: str):
        self.driver.get(self.base + path)
        return self

    def log_in(self, user):
        self.driver.delete_all_cookies()
        self.open("/accounts/login/")
        self.driver.find_element("name", "username").send_keys(user.username)
        self.driver.find_element("name", "password").send_keys(PASSWORD)
        self.driver.find_element("css selector", "main form button[type=submit], main form button").click()
        self.wait_for(lambda: "/accounts/login/" not in self.driver.current_url)
        return self

    def click_link(self, text: str):
        links = self.driver.find_elements("partial link text", text)
        assert links, f"no link “{text}” on {self.driver.current_url}:\n{self.text[:3000]}"
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", links[0])
        links[0].click()

    def click_button(self, text: str, within=None):
        scope = within or self.driver
        button = scope.find_element("xpath", f".//button[contains(normalize-space(.), '{text}')]")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        try:
            button.click()
        except ElementClickInterceptedException:  # a sticky bar over it: press it as a keyboard user would
            button.send_keys(Keys.ENTER)

    def set_value(self, name: str, value: str, within=None):
        """Set an input by name through script (datetime-local widgets differ between browser locales)."""
        scope = within or self.driver
        element = scope.find_element("name", name)
        self.driver.execute_script("arguments[0].value = arguments[1];", element, value)

    def type(self, name: str, value: str, within=None):
        element = (within or self.driver).find_element("name", name)
        element.clear()
        element.send_keys(value)

    def order_step(self, action: str):
        return self.driver.find_element("xpath", f"//form[input[@name='action' and @value='{action}']]")

    @property
    def text(self) -> str:
        try:  # read through script: no element handle to go stale while a new page loads
            return self.driver.execute_script("return document.body ? document.body.innerText : '';") or ""
        except WebDriverException:
            return ""

    def wait_for(self, condition, seconds: float = 10):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out on {self.driver.current_url}:\n{self.text[:2000]}")
            time.sleep(0.1)

    def sees(self, *phrases: str):
        self.wait_for(lambda: all(p in self.text for p in phrases))


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_outside_company_books_is_served_pays_and_rates(world, bookable, browser, live_server):
    company, manager, unit_admin = (world.users[k] for k in ("external_user", "manager_a", "unit_admin_a"))
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=30)
    start -= dt.timedelta(minutes=start.minute % 15)
    visitor = Visitor(browser, live_server)

    # The company finds the instrument, sees its fees and books an hour.
    visitor.log_in(company).open(f"/instruments/{bookable.pk}/")
    visitor.sees("机时费", "300.00")
    visitor.click_link("预约上机")
    visitor.set_value("starts_at", local_input(start))
    visitor.set_value("ends_at", local_input(start + dt.timedelta(hours=1)))
    visitor.type("purpose", "涂层截面形貌观察")
    visitor.click_button("提交预约")
    visitor.sees("待审核")
    booking = Booking.objects.get(instrument=bookable, user=company)
    assert booking.record.charge.quoted_total == Decimal("300.00")

    # The instrument's manager approves, checks the user in and completes the session.
    visitor.log_in(manager).open(f"/booking/{booking.pk}/")
    visitor.click_button("通过")
    visitor.sees("已确认")
    visitor.click_button("签到上机")
    visitor.sees("使用中")
    time.sleep(1)  # a measurable session
    visitor.click_button("完成上机")
    visitor.sees("已完成")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert booking.record.charge.status == Charge.Status.BILLED
    assert UsageRecord.objects.get(record=booking.record).is_external

    # The unit's admin records the company's payment.
    visitor.log_in(unit_admin).open(f"/fees/charges/{booking.record.charge.pk}/")
    visitor.type("reference", "DZ20261122001")
    visitor.click_button("确认已到账")
    visitor.sees("已缴费")

    # The company rates the service from its booking page; the rating shows on the instrument page.
    visitor.log_in(company).open(f"/booking/{booking.pk}/")
    visitor.sees("已完成")
    visitor.click_link("评价本次服务")
    for aspect, score in (("overall", 5), ("timeliness", 4), ("attitude", 5), ("result_quality", 5)):
        radio = browser.find_element("css selector", f"input[name={aspect}][value='{score}']")
        browser.execute_script("arguments[0].click();", radio)
    visitor.type("comment", "预约方便，老师指导耐心。")
    visitor.click_button("提交评价")
    visitor.wait_for(lambda: Rating.objects.filter(record=booking.record).exists())
    visitor.open(f"/instruments/{bookable.pk}/")
    visitor.sees("预约方便，老师指导耐心。")
    assert Charge.objects.get(record=booking.record).status == Charge.Status.PAID


def test_samples_sent_for_testing_come_back_as_downloadable_results(
    world, bookable, browser, live_server, tmp_path
):
    company, manager = world.users["external_user"], world.users["manager_a"]
    FeeItemFactory(
        instrument=bookable,
        name="测试人工费",
        component=FeeItem.Component.LABOUR,
        basis=FeeItem.Basis.PER_SAMPLE,
        applies_to=FeeItem.AppliesTo.COMMISSIONED_TESTING,
        rate_external=Decimal("80.00"),
    )
    visitor = Visitor(browser, live_server)

    visitor.log_in(company).open(f"/instruments/{bookable.pk}/")
    visitor.click_link("委托测试")
    visitor.type("sample_name", "TC4 钛合金块")
    visitor.type("sample_count", "3")
    visitor.type("sample_description", "10 mm × 10 mm × 5 mm，表面已抛光")
    visitor.type("requirements", "表面形貌，5000 倍与 20000 倍各 2 张")
    visitor.click_button("提交委托")
    visitor.sees("已提交")
    order = TestOrder.objects.get(user=company)

    visitor.log_in(manager).open(f"/orders/{order.pk}/")
    step = visitor.order_step("quote")
    visitor.type("hours", "2", within=step)
    visitor.click_button("报价", within=step)
    visitor.sees("已报价")

    visitor.log_in(company).open(f"/orders/{order.pk}/")
    visitor.click_button("确认", within=visitor.order_step("confirm"))
    visitor.sees("用户已确认")

    visitor.log_in(manager).open(f"/orders/{order.pk}/")
    visitor.click_button("收样", within=visitor.order_step("receive_samples"))
    visitor.sees("已收样")
    visitor.click_button("开始检测", within=visitor.order_step("start_testing"))
    visitor.sees("检测中")
    report = tmp_path / "检测报告.csv"
    report.write_text("样品,放大倍数,结论\nTC4-1,5000,表面无裂纹\n", encoding="utf-8")
    browser.find_element("name", "files").send_keys(str(report))
    visitor.click_button("上传结果")
    visitor.sees("检测报告.csv")
    step = visitor.order_step("publish_results")
    visitor.type("machine_hours", "1.5", within=step)
    visitor.set_value("tested_from", local_input(timezone.now() - dt.timedelta(hours=3)), within=step)
    visitor.set_value("tested_until", local_input(timezone.now() - dt.timedelta(hours=1)), within=step)
    visitor.click_button("发布结果", within=step)
    visitor.sees("结果已发布")

    visitor.log_in(company).open(f"/orders/{order.pk}/")
    visitor.click_link("检测报告.csv")
    visitor.wait_for(lambda: any(p.suffix == ".csv" for p in Path(browser.downloads).iterdir()))
    downloaded = next(p for p in Path(browser.downloads).iterdir() if p.suffix == ".csv")
    assert downloaded.read_text(encoding="utf-8") == report.read_text(encoding="utf-8")
    order.refresh_from_db()
    assert order.status == OrderStatus.RESULTS_READY  # a download (a GET) changes no state
    visitor.open(f"/orders/{order.pk}/")
    visitor.click_button("确认完成", within=visitor.order_step("accept"))
    visitor.wait_for(lambda: TestOrder.objects.get(pk=order.pk).status == OrderStatus.COMPLETED)
    order.refresh_from_db()
    assert order.record.charge.status == Charge.Status.BILLED
    assert order.record.charge.total == Decimal("300.00") * Decimal("1.5") + Decimal("80.00") * 3
    assert UsageRecord.objects.get(record=order.record).machine_hours == Decimal("1.50")
    # Nobody else sees the order's samples or results.
    outsider = Client()
    outsider.force_login(world.users["unit_admin_b"])
    assert outsider.get(f"/orders/{order.pk}/").status_code == 404
