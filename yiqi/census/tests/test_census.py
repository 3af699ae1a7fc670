"""The yearly census from opening to the frozen snapshot: pre-filled returns, corrections, review, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.census import results, services
from yiqi.census.models import CensusLine, CensusReminder, CensusReturn, ReturnStatus
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import open_census

LAST_YEAR = timezone.localdate().year - 1


def _in_last_year():
    return timezone.make_aware(dt.datetime(LAST_YEAR, 6, 1, 10))


def _confirm_all(census_return, access):
    for line in census_return.lines.filter(confirmed=False):
        services.save_line(line, access=access)


def test_a_census_runs_from_opening_to_a_frozen_snapshot(world):
    started = _in_last_year()
    UsageRecordFactory(instrument=world.microscope, machine_hours=Decimal("5.00"), started_at=started)
    UsageRecordFactory(
        instrument=world.microscope,
        machine_hours=Decimal("3.00"),
        is_external=True,
        fee=Decimal("600.00"),
        started_at=started,
    )
    census = services.open_census(
        year=LAST_YEAR,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        access=access_for(world.authority),
        actor=world.authority,
    )
    mine = census.returns.get(unit=world.unit)
    # Pre-filled: the published instruments (not the draft), and last year's usage.
    assert sorted(mine.lines.values_list("name", flat=True)) == ["扫描电镜", "质谱仪"]
    assert mine.lines.get(name="扫描电镜").location == "材料楼 101"
    assert (mine.pre_machine_hours, mine.pre_external_hours, mine.pre_services, mine.pre_income) == (
        Decimal("8.00"),
        Decimal("3.00"),
        2,
        Decimal("600.00"),
    )
    assert mine.machine_hours == mine.pre_machine_hours
    assert Notification.objects.filter(
        recipient=world.officer, url__contains=f"/census/returns/{mine.pk}/"
    ).exists()

    unit_admin, officer = access_for(world.admin), access_for(world.officer)
    # Submitting with lines not yet confirmed is refused.
    with pytest.raises(ValidationError, match="2 台仪器未核实"):
        services.act(mine, "submit", access=unit_admin, actor=world.admin)

    line = mine.lines.get(name="质谱仪")
    line.operating_status = "idle"
    services.save_line(line, access=officer)
    assert CensusLine.objects.get(pk=line.pk).corrected() == ["operating_status"]
    services.save_line(
        CensusLine(
            census_return=mine,
            name="离心机",
            sharing_mode="internal",
            operating_status="normal",
            original_value=Decimal("120000"),
            contact_name="张老师",
        ),
        access=officer,
    )
    _confirm_all(mine, officer)

    # Different figures need a reason.
    with pytest.raises(ValidationError) as refused:
        services.save_figures(mine, access=officer, machine_hours=Decimal("10.00"))
    assert "difference_note" in refused.value.message_dict
    assert CensusReturn.objects.get(pk=mine.pk).machine_hours == Decimal("8.00")
    services.save_figures(
        mine, access=officer, machine_hours=Decimal("10.00"), difference_note="两次线下使用未登记"
    )

    services.act(mine, "submit", access=unit_admin, actor=world.admin)
    with pytest.raises(PermissionDenied):
        services.act(
            mine,
            "department_approve",
            access=access_for(world.other_department),
            actor=world.other_department,
        )
    services.act(mine, "department_approve", access=access_for(world.department), actor=world.department)
    with pytest.raises(ValidationError, match="写明"):
        services.act(mine, "return", access=access_for(world.authority), actor=world.authority)
    services.act(
        mine, "return", access=access_for(world.authority), actor=world.authority, comment="原值有误"
    )
    assert Notification.objects.filter(recipient=world.admin, subject__contains="原值有误").exists()
    _confirm_all(mine, officer)
    for who, step in (
        (world.admin, "submit"),
        (world.department, "department_approve"),
        (world.authority, "accept"),
    ):
        services.act(mine, step, access=access_for(who), actor=who)
    assert CensusReturn.objects.get(pk=mine.pk).status == ReturnStatus.ACCEPTED
    assert (
        AuditEvent.objects.for_object(mine).count() == 6
    )  # submit, approve, return, submit, approve, accept

    services.close(census, access=access_for(world.authority), actor=world.authority)
    frozen = services.frozen_figures(LAST_YEAR)
    mine_frozen = frozen[world.unit.pk]
    assert mine_frozen.accepted and mine_frozen.instruments == 3  # the idle one counts, and the added one
    assert mine_frozen.machine_hours == Decimal("10.00")
    assert mine_frozen.value == Decimal("3200000.00") * 2 + Decimal("120000.00")
    assert not frozen[world.other_unit.pk].accepted  # frozen as it stood
    # Nothing changes once closed.
    with pytest.raises(ValidationError, match="普查已关闭"):
        services.save_figures(mine, access=officer, services=9, difference_note="补录")


def test_a_closed_census_is_the_only_snapshot(world):
    census = open_census(world.unit, year=LAST_YEAR)
    assert services.frozen_figures(LAST_YEAR) == {}
    with pytest.raises(PermissionDenied):
        services.close(census, access=access_for(world.department), actor=world.department)


def test_a_year_is_censused_once_and_the_deadline_is_ahead(world):
    open_census(world.unit, year=LAST_YEAR)
    with pytest.raises(ValidationError) as refused:
        services.open_census(
            year=LAST_YEAR,
            deadline=timezone.localdate() - dt.timedelta(days=1),
            access=access_for(world.authority),
            actor=world.authority,
        )
    assert set(refused.value.message_dict) == {"year", "deadline"}
    with pytest.raises(PermissionDenied):
        services.open_census(
            year=LAST_YEAR - 1, deadline=timezone.localdate(), access=access_for(world.department), actor=None
        )


def test_corrections_after_the_deadline_are_refused_unless_sent_back(world):
    census = open_census(world.unit, days=1)
    mine = census.returns.get()
    officer = access_for(world.officer)
    census.deadline = timezone.localdate() - dt.timedelta(days=1)
    census.save()
    line = mine.lines.first()
    line.name = "改名"
    with pytest.raises(ValidationError, match="已过填报截止日期"):
        services.save_line(line, access=officer)
    assert CensusLine.objects.get(pk=line.pk).name != "改名"
    # A return the reviewers sent back may still be corrected.
    CensusReturn.objects.filter(pk=mine.pk).update(status=ReturnStatus.RETURNED)
    services.save_line(line, access=officer)
    assert CensusLine.objects.get(pk=line.pk).name == "改名"


def test_only_added_lines_can_be_removed_and_only_by_the_unit(world):
    census = open_census(world.unit)
    mine = census.returns.get()
    with pytest.raises(ValidationError, match="不能删除"):
        services.remove_line(mine.lines.first(), access=access_for(world.officer))
    with pytest.raises(PermissionDenied):
        services.save_line(mine.lines.first(), access=access_for(world.other_admin))
    with pytest.raises(PermissionDenied):
        services.save_line(mine.lines.first(), access=access_for(world.technician))


def test_units_whose_return_is_not_in_are_reminded_once_before_the_deadline(world):
    census = open_census(world.unit, world.other_unit, days=7)
    done = census.returns.get(unit=world.other_unit)
    CensusReturn.objects.filter(pk=done.pk).update(status=ReturnStatus.SUBMITTED)
    assert services.send_due_reminders() == 1
    assert services.send_due_reminders() == 0  # once per day count
    assert Notification.objects.filter(recipient=world.admin, subject__contains="提醒").count() == 1
    assert not Notification.objects.filter(recipient=world.other_admin, subject__contains="提醒").exists()
    assert (
        services.send_due_reminders(timezone.localdate() + dt.timedelta(days=1)) == 0
    )  # 6 days: no reminder
    assert services.send_due_reminders(timezone.localdate() + dt.timedelta(days=4)) == 1  # 3 days
    assert CensusReminder.objects.filter(census_return__unit=world.unit).count() == 2


def test_the_authority_chases_the_late_now(world):
    census = open_census(world.unit, days=20)
    assert services.chase(census, access=access_for(world.authority)) == 1
    with pytest.raises(PermissionDenied):
        services.chase(census, access=access_for(world.department))


def test_each_role_sees_the_returns_it_answers_for(world):
    census = open_census(world.unit, world.other_unit)
    units = lambda user: set(services.visible_returns(access_for(user)).values_list("unit_id", flat=True))  # noqa: E731
    assert units(world.authority) == {world.unit.pk, world.other_unit.pk}
    assert units(world.department) == {world.unit.pk}
    assert units(world.technician) == {world.unit.pk}
    assert units(world.other_admin) == {world.other_unit.pk}
    progress = results.progress(census, access_for(world.department))
    assert progress["total"] == {"units": 1, "done": 0, "accepted": 0, "percent": 0}


def test_the_closed_census_is_what_the_yearly_record_and_the_evaluation_read(world):
    from yiqi.evaluation.services import figures
    from yiqi.exchange import records

    census = open_census(world.unit, year=LAST_YEAR)
    mine = census.returns.get()
    services.save_figures(
        mine,
        access=access_for(world.officer),
        machine_hours=Decimal("40.00"),
        external_hours=Decimal("10.00"),
        services=12,
        income=Decimal("25000.00"),
        difference_note="线下服务未在平台登记",
    )
    year = (dt.date(LAST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31))

    def yearly():
        return next(
            built.payload
            for built in records.yearly_records({}, LAST_YEAR, [world.unit.pk])
            if built.unit_id == world.unit.pk
        )

    assert yearly()["serviceAmounts"] == 0  # still open: the live figures
    assert (
        figures.compute([world.unit.pk], *year, threshold=Decimal("1"))[world.unit.pk]["census_hours"][
            "declared"
        ]
        is None
    )
    services.close(census, access=access_for(world.authority), actor=world.authority)
    payload = yearly()
    assert (payload["serviceAmounts"], payload["serviceIncome"], payload["instruNum"]) == (12, "2.50", 2)
    computed = figures.compute([world.unit.pk], *year, threshold=Decimal("1"))[world.unit.pk]
    assert computed["census_hours"]["declared"] == "20.0"  # 40 hours over 2 instruments
    assert computed["census_sharing_rate"]["declared"] == "0.2500"
    assert figures.rows_behind("census_hours", world.unit.pk, *year, threshold=Decimal("1")).count() == 2
