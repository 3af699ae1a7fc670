"""The platform authority is warned before the statutory-holiday data runs out, and bookings keep the fixed-date
holidays closed after it."""

import datetime as dt

from yiqi.booking.availability import is_statutory_holiday
from yiqi.booking.services.calendar_data import warn_if_calendar_ends_soon
from yiqi.core.workdays import calendar_last_day
from yiqi.notifications.models import Notification


def test_the_authority_is_warned_sixty_days_before_the_calendar_data_ends(world):
    last_day = calendar_last_day()
    assert warn_if_calendar_ends_soon(last_day - dt.timedelta(days=61)) is False
    assert not Notification.objects.exists()
    assert warn_if_calendar_ends_soon(last_day - dt.timedelta(days=60)) is True
    [notice] = Notification.objects.all()
    assert notice.recipient == world.users["platform_admin"]
    assert notice.subject == f"法定节假日数据将于 {last_day.isoformat()} 后用尽（还有 60 天）"
    assert "元旦" in notice.body and "国庆节" in notice.body
    assert warn_if_calendar_ends_soon(last_day - dt.timedelta(days=59)) is False


def test_bookings_past_the_calendar_keep_fixed_date_holidays_closed():
    assert is_statutory_holiday(dt.date(2027, 10, 1)) and is_statutory_holiday(dt.date(2027, 1, 1))
    assert not is_statutory_holiday(dt.date(2027, 10, 8))
