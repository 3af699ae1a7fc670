"""Validators shared by every app for what people type: plain text, dates and times in a sane range, JSON depth.

Model fields carry them (so forms, the API, imports and the admin all refuse the same input with the same message);
the API's parsers and time fields use ``check_moment`` and ``check_json_depth``.
"""

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# --- plain text: names, numbers, phones ---------------------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates, and the invisible marks that reorder or hide text in exports.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


def _refused_character(value: str) -> str | None:
    for char in value:
        # Cc: C0 and C1 controls (tab, newline, NUL, ESC, …); Cf: formatting characters (bidi, zero width, …);
        # Cs/Co/Cn: surrogates, private use and unassigned code points.
        if char in BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            return char
        if unicodedata.category(char) in {"Zl", "Zp"}:  # line and paragraph separators
            return char
    return None


@deconstructible
class PlainTextValidator:
    """Letters (any script, CJK included), digits, punctuation, symbols and ordinary spaces only: no control
    characters (C0/C1), no bidirectional overrides, no invisible formatting characters, no line breaks."""

    message = _("不能包含控制字符、换行或不可见的格式字符（如双向文本控制符）。")
    code = "control_character"

    def __call__(self, value):
        if value and _refused_character(str(value)) is not None:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator)


validate_plain_text = PlainTextValidator()


# --- dates and times in a sane range --------------------------------------------------------------------------------

EARLIEST_DATE = dt.date(1950, 1, 1)
YEARS_AHEAD = 10


def latest_date(today: dt.date | None = None) -> dt.date:
    """Ten years after today: the furthest a date people enter may lie (a booking, a qualification's expiry)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


@deconstructible
class DateRangeValidator:
    """A date (or the local date of a time) between 1950-01-01 and, for an event that has happened (``past``),
    today, else today + 10 years."""

    def __init__(self, past: bool = False):
        self.past = past

    def __call__(self, value):
        if value is None:
            return
        # A time's date as written: converting 0001-01-01T00:00+08:00 to another zone would overflow.
        day = value.date() if isinstance(value, dt.datetime) else value
        if day < EARLIEST_DATE:
            raise ValidationError(
                _("日期不能早于 %(earliest)s。"),
                code="date_too_early",
                params={"earliest": EARLIEST_DATE.isoformat()},
            )
        latest = timezone.localdate() if self.past else latest_date()
        if day > latest:
            if self.past:
                raise ValidationError(_("日期不能晚于今天。"), code="date_in_future")
            raise ValidationError(
                _("日期不能晚于 %(latest)s（今天起 %(years)d 年内）。"),
                code="date_too_late",
                params={"latest": latest.isoformat(), "years": YEARS_AHEAD},
            )

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator) and self.past == other.past


validate_past_date = DateRangeValidator(past=True)
validate_near_date = DateRangeValidator()

# PostgreSQL keeps UTC offsets up to ±15:59; real time zones lie within −12:00 … +14:00.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)


def check_moment(value: dt.datetime) -> None:
    """A time people send: its UTC offset within ±15:59 and its date in the sane range (1950 … today + 10 years)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(_("时区偏移超出范围：UTC 偏移须在 ±15:59 以内，如 +08:00。"), code="utc_offset")
    validate_near_date(value)


# --- JSON -------------------------------------------------------------------------------------------------------------

MAX_JSON_DEPTH = 32


def json_depth_exceeds(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests arrays and objects more than ``limit`` deep (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


JSON_TOO_DEEP = _("JSON 嵌套层数过多：数组和对象最多嵌套 %(limit)d 层。")


# --- rich text --------------------------------------------------------------------------------------------------------

RICH_TEXT_MAX_CHARS = 20_000

# Checked on what is stored, i.e. after sanitising (the services sanitise before validating).
validate_rich_text_length = MaxLengthValidator(
    RICH_TEXT_MAX_CHARS,
    message=_("内容过长：最多 %(limit_value)d 个字符（含格式标记），当前 %(show_value)d 个。"),
)


def check_all(instance, errors: dict[str, list], **full_clean_options) -> None:
    """Report every problem at once: the model's own checks of ``instance`` (``full_clean`` with the options, the
    fields already in ``errors`` left out) join the ``errors`` a service found, and all are raised together."""
    exclude = [*full_clean_options.pop("exclude", ()), *errors]
    try:
        instance.full_clean(exclude=exclude, **full_clean_options)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
