import datetime as dt

from yiqi.core.workdays import add_working_days, calendar_last_day, is_workday, working_days_between


def test_thirty_working_days_skip_national_day_holiday():
    # Accepted 2025-09-26: the National Day / Mid-Autumn week is off, 28 Sep and 11 Oct are make-up days.
    result = add_working_days(dt.date(2025, 9, 26), 30)
    assert (result.date, result.estimated) == (dt.date(2025, 11, 13), False)


def test_start_day_is_not_counted_and_weekend_is_skipped():
    friday = dt.date(2024, 3, 15)
    assert add_working_days(friday, 1).date == dt.date(2024, 3, 18)


def test_make_up_saturday_counts_as_working_day():
    # 2025-10-11 (Saturday) was a make-up working day.
    assert is_workday(dt.date(2025, 10, 11)) == (True, True)
    assert is_workday(dt.date(2025, 10, 1)) == (False, True)


def test_dates_beyond_published_calendar_fall_back_to_weekdays_and_say_so():
    result = add_working_days(dt.date(2031, 1, 3), 5)  # Friday
    assert result.estimated is True
    assert result.date == dt.date(2031, 1, 10)


def test_working_days_between_is_signed():
    monday, friday = dt.date(2024, 3, 11), dt.date(2024, 3, 15)
    assert working_days_between(monday, friday) == 4
    assert working_days_between(friday, monday) == -4
    assert working_days_between(monday, monday) == 0


def test_past_the_calendar_the_fixed_date_holidays_stay_holidays():
    # 2027 is not in the installed calendar: New Year's Day, 1 May and 1–3 October are still days off.
    assert calendar_last_day() < dt.date(2027, 1, 1)
    for holiday in (dt.date(2027, 1, 1), dt.date(2027, 10, 1), dt.date(2030, 5, 1), dt.date(2030, 10, 3)):
        assert holiday.weekday() < 5
        assert is_workday(holiday) == (False, False)
    # From Thursday 30 September 2027 one working day on is Monday 4 October (Friday 1 October is National Day).
    result = add_working_days(dt.date(2027, 9, 30), 1)
    assert (result.date, result.estimated) == (dt.date(2027, 10, 4), True)
    assert working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 8)) == 5  # not 6: 1 January is off
