"""The warning that the statutory-holiday calendar is running out: past its last year working days and holiday
closures are estimates (``core.workdays``), so the platform authority is told in time to update the library."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.workdays import calendar_last_day
from yiqi.notifications.services import notify

# Days before the data runs out on which the authority is warned (the daily job warns on these days only).
WARNING_DAYS = (60, 30, 7, 1)


def warn_if_calendar_ends_soon(today: dt.date | None = None) -> bool:
    """Tell the platform administrators 60 (then 30, 7 and 1) days before the calendar data ends."""
    today = today or timezone.localdate()
    last_day = calendar_last_day()
    days_left = (last_day - today).days
    if days_left not in WARNING_DAYS:
        return False
    notify(
        users_with_role(Role.PLATFORM_ADMIN),
        _("法定节假日数据将于 %(date)s 后用尽（还有 %(days)d 天）")
        % {"date": last_day.isoformat(), "days": days_left},
        _(
            "此后的工作日只能估算：仅按周一至周五并扣除元旦、劳动节（5 月 1 日）和国庆节（10 月 1–3 日）计算，"
            "入网与投诉办理期限将标注为估算。请在国务院办公厅公布下一年度放假安排后，升级 chinesecalendar 并重新部署。"
        ),
    )
    return True
