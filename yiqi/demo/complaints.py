"""Demo complaints: a few per fifteen units, spread over the last four months, about half of them settled."""

import datetime as dt
import random
import zoneinfo

from django.conf import settings
from django.utils import timezone

from yiqi.core.workdays import add_working_days
from yiqi.feedback.models import Complaint, ComplaintStatus

SUBJECTS = ("报告迟迟未出", "预约被无故取消", "收费与公示标准不符", "样品未按约定退还")


def build_complaints(rng: random.Random, now: dt.datetime, units: list[int], complainants: list) -> int:
    """Write the complaints against ``units`` by some of ``complainants``; returns how many."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    complaints = []
    # Complaint times are spread over four months: created first, then resolved a few days later.
    for n in range(max(3, len(units) // 15)):
        created = now - dt.timedelta(days=rng.randint(1, 120))
        day = timezone.localtime(created, tz).date()
        status = rng.choices(
            (
                ComplaintStatus.OPEN,
                ComplaintStatus.IN_PROGRESS,
                ComplaintStatus.RESOLVED,
                ComplaintStatus.CLOSED,
            ),
            weights=(2, 2, 2, 4),
        )[0]
        finished = status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
        complaints.append(
            Complaint(
                number=f"TS{day:%Y%m%d}{n + 1:04d}",
                complainant=rng.choice(complainants),
                unit_id=rng.choice(units),
                subject=rng.choice(SUBJECTS),
                description="已多次电话联系未果，希望单位尽快处理并答复。",
                status=status,
                due_on=add_working_days(day, 10).date,
                outcome="已与用户沟通并重新安排测试，免收本次机时费。" if finished else "",
                resolved_at=created + dt.timedelta(days=rng.randint(2, 9)) if finished else None,
                # Two in three finished complaints found upheld (no random draw: the rest of the demo stays as it was).
                upheld=n % 3 != 0 if finished else None,
            )
        )
    Complaint.objects.bulk_create(complaints)
    for complaint, row in zip(Complaint.objects.order_by("id"), complaints, strict=True):
        Complaint.objects.filter(pk=complaint.pk).update(
            created_at=(row.resolved_at or now) - dt.timedelta(days=5)
        )
    return len(complaints)
