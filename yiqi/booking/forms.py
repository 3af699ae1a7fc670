"""Web forms for bookings. They parse and type-check input only; every booking rule lives in ``services``."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.accounts.models import User
from yiqi.core.forms import BootstrapFormMixin, DateInput

from .availability import format_minutes
from .models import Blackout, OpenHours, ServiceSettings
from .services.configuration import MAX_PERIODS_PER_DAY

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is wall-clock time in Asia/Shanghai."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_INPUT_FORMAT)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, errors)
    else:
        form.add_error(None, error)


class BookingForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=LocalDateTimeInput())
    purpose = forms.CharField(label=_("用途/实验内容"), max_length=300)
    sample_count = forms.IntegerField(label=_("样品数"), min_value=0, initial=0, required=False)
    user_organization = forms.ModelChoiceField(label=_("用户单位"), queryset=None, empty_label=None)
    repeat_weeks = forms.IntegerField(
        label=_("每周重复"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("在之后的几周同一时间再预约（0 表示不重复）。仅限本单位用户。"),
    )

    def __init__(self, *args, organizations, internal: bool, step_minutes: int | None = 30, **kwargs):
        """``step_minutes``: a step every slot boundary falls on (``availability.grid_step_minutes``); None when
        the form is only checked (set it with ``set_step`` before showing the form)."""
        super().__init__(*args, **kwargs)
        if step_minutes:
            self.set_step(step_minutes)
        self.fields["user_organization"].queryset = organizations
        if len(organizations) < 2:
            # Nothing to choose: the service uses the user's only (or default) organisation.
            del self.fields["user_organization"]
        if not internal:
            del self.fields["repeat_weeks"]

    def set_step(self, step_minutes: int) -> None:
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.attrs["step"] = step_minutes * 60

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "purpose": data["purpose"],
            "sample_count": data.get("sample_count") or 0,
        }
        if "user_organization" in self.fields:
            arguments["user_organization"] = data["user_organization"]
        if "repeat_weeks" in self.fields:
            arguments["repeat_weeks"] = data.get("repeat_weeks") or 0
        return arguments


class WaitlistForm(forms.Form):
    """The taken window the user wants to wait for (posted from the booking form's “join waitlist” button)."""

    starts_at = forms.DateTimeField(label=_("开始时间"))
    ends_at = forms.DateTimeField(label=_("结束时间"))
    purpose = forms.CharField(label=_("用途/实验内容"), max_length=300, required=False)


class BookingActionForm(forms.Form):
    """The optional inputs of the buttons on a booking's page (comment, reason, actual times)."""

    comment = forms.CharField(label=_("说明"), max_length=500, required=False)
    actual_start = forms.DateTimeField(label=_("实际开始"), required=False, widget=LocalDateTimeInput())
    actual_end = forms.DateTimeField(label=_("实际结束"), required=False, widget=LocalDateTimeInput())


class ServiceSettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceSettings
        fields = [
            "bookings_open", "slot_minutes", "min_booking_minutes", "max_booking_minutes", "lead_time_hours",
            "horizon_days", "cancellation_cutoff_hours", "weekly_quota_hours", "internal_reserved_percent",
            "requires_approval", "closed_on_holidays", "requires_qualification",
        ]  # fmt: skip


TIME_PATTERN = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


def parse_minutes(value: str) -> int | None:
    """'08:30' → 510; '24:00' (end of day) → 1440; anything else → None."""
    match = TIME_PATTERN.match(value.strip())
    if not match:
        return None
    minutes = int(match[1]) * 60 + int(match[2])
    return minutes if minutes <= 1440 else None


WEEKDAYS = OpenHours._meta.get_field("weekday").choices


class OpenHoursForm(BootstrapFormMixin, forms.Form):
    """Seven weekdays, each with rows of start/end (HH:MM). Existing periods plus one blank row per day;
    a blank row that is filled in adds a period, a row that is emptied removes one."""

    def __init__(self, *args, periods: list[OpenHours] = (), **kwargs):
        super().__init__(*args, **kwargs)
        existing: dict[int, list[OpenHours]] = {day: [] for day, _label in WEEKDAYS}
        for period in periods:
            existing[period.weekday].append(period)
        self.days = []
        for day, label in WEEKDAYS:
            count = self._row_count(day, len(existing[day]) + 1)
            rows = []
            for index in range(count):
                period = existing[day][index] if index < len(existing[day]) else None
                for part, minute in (("start", "start_minute"), ("end", "end_minute")):
                    self.fields[f"d{day}-{index}-{part}"] = forms.CharField(
                        label=_("开始") if part == "start" else _("结束"),
                        required=False,
                        initial=format_minutes(getattr(period, minute)) if period else "",
                        widget=forms.TextInput(
                            attrs={
                                "placeholder": "HH:MM",
                                "pattern": r"[0-2]?\d:[0-5]\d",
                                "inputmode": "numeric",
                                "size": 5,
                                "class": "w-auto",
                            }
                        ),
                    )
                rows.append((f"d{day}-{index}-start", f"d{day}-{index}-end"))
            self.days.append({"weekday": day, "label": label, "rows": rows})

    def _row_count(self, day: int, default: int) -> int:
        # A submitted form keeps the rows the page showed, so each error stays beside its input.
        if self.is_bound:
            try:
                return max(1, min(int(self.data.get(f"rows-{day}", default)), MAX_PERIODS_PER_DAY))
            except (TypeError, ValueError):
                return default
        return min(default, MAX_PERIODS_PER_DAY)

    def bound_days(self):
        """The days with their rows as bound fields, for the template."""
        return [
            {**day, "rows": [(self[start], self[end]) for start, end in day["rows"]]} for day in self.days
        ]

    def clean(self):
        periods = []
        for day in self.days:
            for start_name, end_name in day["rows"]:
                start_text = self.cleaned_data.get(start_name, "").strip()
                end_text = self.cleaned_data.get(end_name, "").strip()
                if not start_text and not end_text:
                    continue
                start, end = parse_minutes(start_text), parse_minutes(end_text)
                if start is None:
                    self.add_error(start_name, _("请按 HH:MM 填写，例如 08:30。"))
                if end is None:
                    self.add_error(end_name, _("请按 HH:MM 填写，例如 17:30；全天结束填 24:00。"))
                if start is not None and end is not None:
                    periods.append((day["weekday"], start, end))
        self.cleaned_data["periods"] = periods
        return self.cleaned_data


class BlackoutForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Blackout.Kind.choices)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=LocalDateTimeInput())
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class QualificationForm(BootstrapFormMixin, forms.Form):
    who = forms.CharField(label=_("用户名或手机号"), max_length=150)
    trained_on = forms.DateField(label=_("培训日期"), widget=DateInput())
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput())
    training_record = forms.CharField(label=_("培训记录"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["trained_on"].initial = timezone.localdate
            self.fields["expires_on"].initial = lambda: timezone.localdate() + dt.timedelta(days=365)

    def clean_who(self) -> User:
        who = self.cleaned_data["who"].strip()
        matches = list(User.objects.filter(Q(username=who) | Q(phone=who), is_active=True)[:2])
        if not matches:
            raise ValidationError(_("找不到用户名或手机号为“%(who)s”的用户。"), params={"who": who})
        if len(matches) > 1:
            raise ValidationError(_("有多个用户使用这个手机号，请输入用户名。"))
        return matches[0]
