"""Booking's answers to the apps below it."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from yiqi.alliances.models import BOOKING_HORIZON_LIMIT
from yiqi.alliances.signals import terms_checked

from .models import ServiceSettings


@receiver(terms_checked, dispatch_uid="booking-alliance-horizon")
def refuse_a_window_beyond_the_horizon(sender, unit_ids, priority_days, **kwargs):
    """An alliance's priority window adds to each member instrument's own horizon: the sum may not pass the
    longest horizon an instrument may have."""
    if not priority_days:
        return
    too_far = (
        ServiceSettings.objects.filter(
            instrument__unit_id__in=unit_ids, horizon_days__gt=BOOKING_HORIZON_LIMIT - priority_days
        )
        .select_related("instrument")
        .order_by("-horizon_days")
        .first()
    )
    if too_far:
        raise ValidationError(
            {
                "priority_days": [
                    _(
                        "仪器“%(instrument)s”可提前 %(days)d 天预约，加上优先预约窗口将超过 %(limit)d 天的上限。"
                    )
                    % {
                        "instrument": too_far.instrument.name,
                        "days": too_far.horizon_days,
                        "limit": BOOKING_HORIZON_LIMIT,
                    }
                ]
            }
        )
