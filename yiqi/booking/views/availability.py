"""An instrument's free and busy time, and the form that books it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.accounts.services import organizations_of
from yiqi.organizations.models import Organization

from .. import services
from ..availability import clip, format_minutes, grid_step_minutes, subtract, weekly_hours
from ..forms import LOCAL_INPUT_FORMAT, BookingForm, WaitlistForm, add_service_errors
from .common import day_bounds, local_input, parse_day, visible_instrument


def day_rows(availability, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """The day as a time-ordered list of free periods (open time nobody holds) and busy blocks, clipped to
    the day."""
    taken = [(block.start, block.end) for block in availability.busy]
    rows = []
    for s, e in clip(subtract(availability.open, taken), start, end):
        # “Choose” fills in the first bookable start of the stretch (slots count from the open period's start).
        part = availability.bookable_part(s, e)
        row = {"free": True, "start": s, "end": e, "bookable": part is not None}
        if part is not None:
            row["fill_start"], row["fill_end"] = local_input(part[0]), local_input(part[1])
            row["fill_label"] = timezone.localtime(part[0]).strftime("%H:%M")
        rows.append(row)
    for block in availability.busy:
        for s, e in clip([(block.start, block.end)], start, end):
            rows.append(
                {
                    "free": False,
                    "start": s,
                    "end": e,
                    "label": block.label,
                    "mine": block.mine,
                    "booking_id": block.booking_id,
                }
            )
    rows.sort(key=lambda row: row["start"])
    for row in rows:
        row["start_label"] = timezone.localtime(row["start"]).strftime("%H:%M")
        row["end_label"] = "24:00" if row["end"] == end else timezone.localtime(row["end"]).strftime("%H:%M")
    return rows


def day_context(request, instrument) -> dict:
    day = parse_day(request.GET.get("date"))
    start, end = day_bounds(day)
    availability = services.availability(instrument, start, end, access=access_for(request.user))
    return {
        "instrument": instrument,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "today": timezone.localdate(),
        "rows": day_rows(availability, start, end),
    }


def calendar_hours(instrument, slot_minutes: int) -> dict:
    """The part of the day the week view shows (from the earliest opening to the latest closing) and the step its
    selection snaps to, on which every slot boundary falls."""
    hours = weekly_hours(instrument)
    first = min((start for _day, start, _end in hours), default=0)
    last = max((end for _day, _start, end in hours), default=1440)
    return {
        "calendar_from": f"{format_minutes(first)}:00",
        "calendar_to": f"{format_minutes(last)}:00",
        "grid_step": grid_step_minutes(hours, slot_minutes),
    }


def prefilled_times(request) -> dict:
    """``?start=&end=`` from a free period's “choose” link, if they are well-formed local times."""
    initial = {}
    for param, field in (("start", "starts_at"), ("end", "ends_at")):
        value = request.GET.get(param, "")
        try:
            dt.datetime.strptime(value, LOCAL_INPUT_FORMAT)
        except ValueError:
            continue
        initial[field] = value
    return initial


class AvailabilityView(View):
    """Week calendar on wide screens (FullCalendar, fed by the API), a server-rendered day list on phones and
    without JavaScript, and the booking form."""

    template_name = "booking/availability.html"

    def booking_form(
        self, request, instrument, page: dict, *, checking: bool = False, **kwargs
    ) -> BookingForm:
        # Only someone in two or more organisations chooses one (their organisations are then read).
        several = len(access_for(request.user).member_organization_ids) > 1
        return BookingForm(
            organizations=organizations_of(request.user) if several else Organization.objects.none(),
            internal=page["internal"],
            step_minutes=None if checking else self.step_minutes(instrument, page),
            **kwargs,
        )

    def step_minutes(self, instrument, page: dict) -> int:
        return grid_step_minutes(weekly_hours(instrument), page["settings"].slot_minutes)

    def render_page(self, request, instrument, form=None, *, page=None, taken=False):
        page = page or services.booking_page(access_for(request.user), instrument)
        if form is None and page["bookable"] and request.user.is_authenticated:
            form = self.booking_form(request, instrument, page, initial=prefilled_times(request))
        elif form is not None:
            form.set_step(self.step_minutes(instrument, page))
        context = {
            **day_context(request, instrument),
            **calendar_hours(instrument, page["settings"].slot_minutes),
            "settings": page["settings"],
            "bookable": page["bookable"],
            "form": form,
            "taken": taken,
            "availability_api": reverse("api-booking-availability", args=[instrument.pk]),
        }
        return render(request, self.template_name, context)

    def get(self, request, instrument_id):
        return self.render_page(request, visible_instrument(request, instrument_id))

    def post(self, request, instrument_id):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        instrument = visible_instrument(request, instrument_id)
        access = access_for(request.user)
        page = services.booking_page(access, instrument)
        # Checking the form needs no grid step; it is set only if the form is shown again.
        form = self.booking_form(request, instrument, page, data=request.POST, checking=True)
        if form.is_valid():
            arguments = form.service_arguments()
            try:
                bookings = services.request_booking(user=request.user, instrument=instrument, **arguments)
            except ValidationError as error:
                add_service_errors(form, error)
                taken = services.taken_by_others(
                    access, instrument, arguments["starts_at"], arguments["ends_at"]
                )
                return self.render_page(request, instrument, form, page=page, taken=taken)
            messages.success(request, booked_message(bookings))
            return redirect("booking:detail", bookings[0].pk)
        return self.render_page(request, instrument, form, page=page)


def booked_message(bookings) -> str:
    first = bookings[0]
    if len(bookings) > 1:
        return _("已提交 %(n)d 次每周预约，首次为 %(start)s。") % {
            "n": len(bookings),
            "start": timezone.localtime(first.starts_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("预约已提交，当前状态：%(status)s。") % {"status": first.get_status_display()}


class DayListView(View):
    """The day list alone, swapped into the availability page by htmx when the user picks another day."""

    def get(self, request, instrument_id):
        instrument = visible_instrument(request, instrument_id)
        return render(request, "booking/_day_list.html", day_context(request, instrument))


class WaitlistJoinView(LoginRequiredMixin, View):
    def post(self, request, instrument_id):
        instrument = visible_instrument(request, instrument_id)
        form = WaitlistForm(request.POST)
        page = reverse("booking:availability", args=[instrument.pk])
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(page)
        try:
            services.join_waitlist(user=request.user, instrument=instrument, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            day = timezone.localtime(form.cleaned_data["starts_at"]).date()
            return redirect(f"{page}?date={day.isoformat()}")
        messages.success(request, _("已加入候补。该时段空出时会通知您。"))
        return redirect("booking:mine")
