"""The rating and complaint pages in the browser: forms without JavaScript, 404s to strangers, clear messages."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yiqi.core.workdays import calendar_last_day
from yiqi.feedback import services
from yiqi.feedback.models import Complaint, ComplaintStatus, Rating
from yiqi.servicerecords.models import ServiceStatus

pytestmark = pytest.mark.django_db

GOOD = {"overall": "5", "timeliness": "4", "attitude": "5", "result_quality": "4", "comment": "很专业"}


def rate_url(record):
    return reverse("feedback:rate", args=[record.pk])


@pytest.mark.parametrize("kind", ["booking", "order"])
def test_the_user_rates_with_plain_radio_buttons(world, served, client_for, kind):
    client = client_for(world.users["external_user"])
    page = client.get(rate_url(served[kind]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio"') == 20 and 'name="overall" value="5"' in html
    response = client.post(rate_url(served[kind]), GOOD, follow=True)
    assert "感谢您的评价" in response.content.decode()
    assert "您已评价过该服务" in response.content.decode()
    assert Rating.objects.get().comment == "很专业"


@pytest.mark.parametrize("who", ["unit_admin_a", "manager_a", "platform_admin", "unit_admin_b", "expert"])
def test_someone_elses_service_is_not_found(world, served, client_for, who):
    client = client_for(world.users[who])
    assert client.get(rate_url(served["booking"])).status_code == 404
    assert client.post(rate_url(served["order"]), GOOD).status_code == 404
    assert not Rating.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(world, served, client_for):
    response = client_for(None).get(rate_url(served["booking"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_service_not_completed_says_so(world, served, client_for):
    booking = served["booking"]
    booking.status = ServiceStatus.OPEN
    booking.save()
    client = client_for(world.users["external_user"])
    html = client.get(rate_url(booking)).content.decode()
    assert "该服务尚未完成（当前状态：进行中），完成后才能评价。" in html and 'type="radio"' not in html
    html = client.post(rate_url(booking), GOOD).content.decode()
    assert "尚未完成" in html
    assert not Rating.objects.exists()


def test_bad_scores_show_field_errors_and_keep_the_input(world, served, client_for):
    client = client_for(world.users["external_user"])
    response = client.post(rate_url(served["booking"]), {**GOOD, "attitude": "9", "comment": "长" * 1001})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“服务态度”请打 1 至 5 分。" in html and "评价内容不能超过 1000 字（现为 1001 字）。" in html
    assert 'value="5" class="btn-check" id="id_overall_0" checked' in html
    assert not Rating.objects.exists()


def test_control_characters_get_a_message_not_an_error_page(world, served, client_for):
    client = client_for(world.users["external_user"])
    response = client.post(rate_url(served["booking"]), {**GOOD, "overall": "\x00", "comment": "a\x00b"})
    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_the_unit_replies_from_the_rating_list(world, served, client_for):
    rating = services.rate(
        user=world.users["external_user"],
        record=served["booking"],
        overall=2,
        timeliness=2,
        attitude=2,
        result_quality=2,
        comment="等太久",
    )
    client = client_for(world.users["manager_a"])
    html = client.get(reverse("feedback:rating_list") + "?unreplied=1").content.decode()
    assert "等太久" in html and "张** · 企业" in html
    assert world.users["external_user"].full_name not in html
    assert f'action="{reverse("feedback:rating_reply", args=[rating.pk])}"' in html
    reply = reverse("feedback:rating_reply", args=[rating.pk])
    response = client.post(reply, {"reply": "抱歉，已增加开放时段。", "next": "/feedback/ratings/"})
    assert response.status_code == 302 and response["Location"] == "/feedback/ratings/"
    response = client.post(reply, {"reply": "再回复一次"}, follow=True)
    assert "只能回复一次" in response.content.decode()
    rating.refresh_from_db()
    assert rating.reply == "抱歉，已增加开放时段。"
    assert client_for(world.users["unit_admin_b"]).post(reply, {"reply": "x"}).status_code == 403


def test_a_reply_never_redirects_off_site(world, served, client_for):
    rating = services.rate(
        user=world.users["external_user"],
        record=served["booking"],
        overall=5,
        timeliness=5,
        attitude=5,
        result_quality=5,
    )
    client = client_for(world.users["unit_admin_a"])
    url = reverse("feedback:rating_reply", args=[rating.pk])
    response = client.post(url, {"reply": "谢谢", "next": "https://evil.example/"})
    assert response["Location"] == reverse("feedback:rating_list")


# --- complaints -------------------------------------------------------------------------------------------------


def test_filing_from_the_instrument_page_and_following_it_up(world, served, client_for):
    client = client_for(world.users["external_user"])
    instrument = served["instrument"]
    page = client.get(reverse("feedback:complaint_create") + f"?instrument={instrument.pk}")
    assert page.status_code == 200 and f'<option value="{instrument.pk}" selected>' in page.content.decode()
    response = client.post(
        reverse("feedback:complaint_create"),
        {"instrument": instrument.pk, "subject": "报告迟迟未出", "description": "至今未收到报告。"},
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert response.redirect_chain[-1][0] == reverse("feedback:complaint_detail", args=[complaint.pk])
    html = response.content.decode()
    assert complaint.number in html and "提交投诉" in html and complaint.unit == world.unit_a

    admin = client_for(world.users["unit_admin_a"])
    url = reverse("feedback:complaint_transition", args=[complaint.pk])
    admin.post(url, {"action": "accept"})
    response = admin.post(url, {"action": "resolve", "comment": ""}, follow=True)
    assert "办结时须填写处理结果。" in response.content.decode()
    admin.post(url, {"action": "resolve", "comment": "已补发报告。", "upheld": "true"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.upheld is True
    html = client_for(world.users["external_user"]).get(complaint_url(complaint)).content.decode()
    assert "已补发报告。" in html and 'value="confirm"' in html and 'value="reopen"' in html


def complaint_url(complaint):
    return reverse("feedback:complaint_detail", args=[complaint.pk])


def test_bad_complaint_input_is_shown_on_the_form(world, client_for):
    client = client_for(world.users["external_user"])
    response = client.post(
        reverse("feedback:complaint_create"),
        {"unit": world.unit_a.pk, "subject": "", "description": "x" * 3001},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写投诉事项。" in html and "不能超过 3000 字（现为 3001 字）。" in html
    response = client.post(
        reverse("feedback:complaint_create"), {"unit": "999999", "subject": "a", "description": "b"}
    )
    assert "所选单位不存在。" in response.content.decode()
    assert not Complaint.objects.exists()


def test_complaint_pages_are_scoped_and_overdue_ones_stand_out(world, client_for):
    complaint = services.file_complaint(
        user=world.users["external_user"], unit=world.unit_a, subject="态度差", description="……"
    )
    Complaint.objects.filter(pk=complaint.pk).update(due_on="2020-01-02")
    for who in ("unit_admin_a", "department_admin_a", "platform_admin", "external_user"):
        client = client_for(world.users[who])
        html = client.get(reverse("feedback:complaint_list")).content.decode()
        assert complaint.number in html and 'class="table-danger"' in html, who
        assert client.get(complaint_url(complaint)).status_code == 200
        client.logout()
    for who in ("unit_admin_b", "department_admin_b", "technician_a"):
        client = client_for(world.users[who])
        assert complaint.number not in client.get(reverse("feedback:complaint_list")).content.decode()
        assert client.get(complaint_url(complaint)).status_code == 404
        url = reverse("feedback:complaint_transition", args=[complaint.pk])
        assert client.post(url, {"action": "accept"}).status_code == 404
        client.logout()
    html = client_for(world.users["unit_admin_a"]).get(reverse("feedback:complaint_list") + "?overdue=1")
    assert complaint.number in html.content.decode()


def test_complaint_list_pages_survive_odd_parameters(world, client_for):
    client = client_for(world.users["external_user"])
    response = client.get(reverse("feedback:complaint_list") + "?status=bogus&page=abc")
    assert response.status_code == 200


def test_the_pages_and_messages_speak_english(world, served, client_for, settings):
    client = client_for(world.users["external_user"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(rate_url(served["booking"])).content.decode()
    assert "Timeliness" in html and "Submit rating" in html and "Very satisfied" in html
    html = client.post(rate_url(served["booking"]), {**GOOD, "overall": "0"}).content.decode()
    assert "Give &quot;Overall&quot; a score from 1 to 5." in html
    html = client.get(reverse("feedback:complaint_create")).content.decode()
    assert "within 10 working days" in html


def test_complaining_about_a_rated_service_from_its_rating_page(world, served, client_for):
    client = client_for(world.users["external_user"])
    record = served["order"]
    link = f"{reverse('feedback:complaint_create')}?record={record.pk}"
    assert link in client.get(rate_url(record)).content.decode()
    html = client.get(link).content.decode()
    assert (
        f'<option value="{record.pk}" selected>{record.reference} {record.instrument.name}</option>' in html
    )
    response = client.post(link, {"record": record.pk, "subject": "报告有误", "description": "……"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.record == record and complaint.unit == world.unit_a
    detail = client.get(reverse("feedback:complaint_detail", args=[complaint.pk])).content.decode()
    assert f"委托测试 {record.reference}" in detail and "提交投诉" in detail


def test_someone_elses_service_cannot_be_named_in_a_complaint(world, served, client_for):
    client = client_for(world.users["unit_admin_a"])
    data = {"record": served["booking"].pk, "subject": "a", "description": "b"}
    html = client.post(reverse("feedback:complaint_create"), data).content.decode()
    assert "只能关联您本人的预约或委托测试单。" in html and not Complaint.objects.exists()


def test_the_workspace_complaint_counts_open_the_complaints_they_count(world, client_for):
    """The unit's side counts complaints it has to handle; the link lists exactly those, not every complaint the
    person can see (closed ones, or one they filed against another unit themselves)."""
    admin, user = world.users["unit_admin_a"], world.users["external_user"]
    services.file_complaint(user=user, unit=world.unit_a, subject="预约被拒", description="……")
    late = services.file_complaint(user=user, unit=world.unit_a, subject="报告迟交", description="……")
    Complaint.objects.filter(pk=late.pk).update(due_on=late.due_on.replace(year=2020))
    closed = services.file_complaint(user=user, unit=world.unit_a, subject="已处理", description="……")
    Complaint.objects.filter(pk=closed.pk).update(status=ComplaintStatus.CLOSED)
    services.file_complaint(user=admin, unit=world.unit_b, subject="收费不清", description="……")
    client = client_for(admin)

    page = client.get(reverse("portal:workspace")).content.decode()
    links = dict(
        re.findall(
            r'href="(/feedback/complaints/[^"]*)">[^<]*(?:待办投诉|逾期投诉) <strong>(\d+)</strong>', page
        )
    )
    assert sorted(links.values()) == ["1", "2"]
    for url, count in links.items():
        assert client.get(url.replace("&amp;", "&")).context["paginator"].count == int(count), url


def test_a_handling_period_past_the_holiday_calendar_says_it_is_estimated(world, client_for):
    within = services.file_complaint(
        user=world.users["external_user"], unit=world.unit_a, subject="甲", description="…"
    )
    beyond = services.file_complaint(
        user=world.users["external_user"], unit=world.unit_a, subject="乙", description="…"
    )
    Complaint.objects.filter(pk=beyond.pk).update(due_on=calendar_last_day() + dt.timedelta(days=3))
    Complaint.objects.filter(pk=within.pk).update(due_on=calendar_last_day())
    client = client_for(world.users["unit_admin_a"])
    note = "超出法定节假日数据，按周一至周五估算"
    assert note in client.get(complaint_url(beyond)).content.decode()
    assert note not in client.get(complaint_url(within)).content.decode()
