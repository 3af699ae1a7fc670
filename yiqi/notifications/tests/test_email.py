"""What people find in their mailbox: the facts, a link any mail client opens, and their own language."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking import services as booking_services
from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, freeze_now, local
from yiqi.fees.models import Charge, ChargeAdjustment
from yiqi.notifications.mail import compose
from yiqi.notifications.services import Phrase, notify

SITE = "https://yiqi.example.cn"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.YIQI_SITE_URL = SITE


def parts(message):
    """(text, html) of a sent message; every notification has both."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


@pytest.fixture
def requested_booking(world, monkeypatch):
    """Awaiting approval: Wednesday 09:00–11:00 in the analysis centre, room A101."""
    freeze_now(monkeypatch, local(2026, 3, 2))
    instrument = bookable_instrument(world.published_a, requires_approval=True)
    instrument.building, instrument.room = "分析测试中心", "A101"
    instrument.save()
    start = local(2026, 3, 4, 9)
    user = world.users["external_user"]
    return BookingFactory(
        instrument=instrument,
        user=user,
        status=BookingStatus.REQUESTED,
        starts_at=start,
        ends_at=start.replace(hour=11),
    )


def approve(world, booking, capture):
    mail.outbox.clear()
    with capture(execute=True):
        booking_services.approve(booking, actor=world.users["technician_a"], comment="请提前十分钟到场")
    [message] = mail.outbox
    return message


def test_an_approved_booking_mails_its_user_the_facts_and_an_absolute_link(
    world, requested_booking, django_capture_on_commit_callbacks
):
    message = approve(world, requested_booking, django_capture_on_commit_callbacks)
    assert message.to == [world.users["external_user"].email]
    assert message.subject == f"预约已通过审核：{requested_booking.instrument.name} 2026-03-04 09:00–11:00"
    text, html = parts(message)
    link = f"{SITE}/booking/{requested_booking.pk}/"
    for fact in (
        requested_booking.instrument.name,
        "2026-03-04 09:00–11:00",
        "分析测试中心 A101",
        "请提前十分钟到场",
    ):
        assert fact in text and fact in html
    assert f"查看预约：{link}" in text
    assert f'href="{link}"' in html
    assert "请按时到上述地点上机" in text  # what to do next
    assert "\n\n\n" not in text and "{{" not in text and "{%" not in html


def test_a_user_who_reads_english_gets_the_mail_and_the_inbox_in_english(
    world, requested_booking, django_capture_on_commit_callbacks
):
    """The technician works in Chinese; the user chose English, and reads English."""
    user = world.users["external_user"]
    user.language = "en"
    user.save()
    message = approve(world, requested_booking, django_capture_on_commit_callbacks)
    assert message.subject.startswith("Booking approved: ")
    text, html = parts(message)
    assert f"View booking: {SITE}/booking/{requested_booking.pk}/" in text
    assert "Instrument: " in text and "Place: " in text and '<html lang="en">' in html
    assert "Please come to the place above on time" in html
    assert user.notifications.first().subject.startswith("Booking approved: ")


def test_each_recipient_reads_the_same_notice_in_their_own_language(db, django_capture_on_commit_callbacks):
    chinese, english = UserFactory(language="zh-hans"), UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify([chinese, english], Phrase(gettext_lazy("已收到您的缴费：%(instrument)s"), instrument="XRD"))
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[chinese.email].subject == "已收到您的缴费：XRD"
    assert by_address[english.email].subject == "Payment received: XRD"
    assert {
        note.recipient_id: note.subject for note in chinese.notifications.all() | english.notifications.all()
    } == {
        chinese.pk: "已收到您的缴费：XRD",
        english.pk: "Payment received: XRD",
    }


def test_a_notice_without_its_own_template_still_gets_text_html_and_an_absolute_link(
    db, django_capture_on_commit_callbacks
):
    """Any future call of notify, with a plain string and no kind, is a usable mail."""
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user], "新的数据导出已完成 <b>", "共 3 个文件\n请及时下载", "/exports/9/", kind="no_such_kind"
        )
    [message] = mail.outbox
    text, html = parts(message)
    assert f"{SITE}/exports/9/" in text and f'href="{SITE}/exports/9/"' in html
    assert "共 3 个文件\n请及时下载" in text and "共 3 个文件<br>请及时下载" in html
    assert message.subject == "新的数据导出已完成 <b>"  # a header is plain text; the HTML part escapes it
    assert "新的数据导出已完成 &lt;b&gt;" in html
    assert f"{SITE}/inbox/" in text  # the way to every message


def test_recipients_never_see_each_others_address_and_nobody_without_email_is_mailed(
    db, django_capture_on_commit_callbacks
):
    first, second, silent = UserFactory(), UserFactory(), UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify([first, second, silent], "通知")
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    assert silent.notifications.count() == 1


def test_a_charge_mail_states_the_amounts_and_the_next_step(world):
    """Each kind's template carries its own facts; rendered here without sending."""
    charge = Charge(pk=42, instrument=world.published_a, unit=world.unit_a, total=Decimal("1234.5"))
    adjustment = ChargeAdjustment(charge=charge, amount=Decimal("-200.00"), reason="机时按实际计")
    subject, text, html = compose(
        language="zh-hans",
        subject="您的费用已调整",
        body="",
        url="/fees/charges/1/",
        kind="charge",
        context={"charge": charge, "event": "adjusted", "adjustment": adjustment},
    )
    for fact in ("FY00000042", world.published_a.name, "-200.00 元", "机时按实际计", "1,234.50 元"):
        assert fact in text and fact in html
    assert "请按新的应收金额缴费。" in text
    assert f"查看费用：{SITE}/fees/charges/1/" in text


def test_people_choose_the_language_of_their_messages_on_their_profile(client, db):
    user = UserFactory()
    client.force_login(user)
    assert 'name="language"' in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:profile"), {"language": "en"})
    client.post(reverse("accounts:profile"), {"language": "fr"})  # not a language of the site: ignored
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.parametrize(("language", "expected"), [("en", "en"), ("zh-hans", "zh-hans")])
def test_a_new_account_reads_its_messages_in_the_language_it_signed_up_in(client, db, language, expected):
    from yiqi.accounts.models import User
    from yiqi.accounts.tests.test_registration import account
    from yiqi.organizations.tests.factories import RegionFactory

    RegionFactory()
    client.cookies["django_language"] = language
    response = client.post(reverse("accounts:register"), account(account_type="individual"))
    assert response.status_code == 302
    assert User.objects.get(username="mallory").language == expected
