"""iCalendar subscriptions (``.ics``): calendar apps fetch these without a session."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from .. import ical
from ..models import CalendarFeed
from .common import visible_instrument

CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class UserFeedView(View):
    """The secret token is the only credential: a reset token answers 404."""

    def get(self, request, token):
        feed = get_object_or_404(
            CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
        )
        return calendar_response(
            ical.user_calendar(feed.user, absolute_url=request.build_absolute_uri), "bookings.ics"
        )


class InstrumentFeedView(View):
    def get(self, request, instrument_id):
        instrument = visible_instrument(request, instrument_id)
        return calendar_response(ical.instrument_calendar(instrument), f"instrument-{instrument.pk}.ics")
