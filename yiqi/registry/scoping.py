"""Which instrument records a user may see and change. Every registry view and endpoint goes through here."""

from django.db.models import Q, QuerySet

from yiqi.accounts.access import Access
from yiqi.core.memo import remembered

from .models import EDITABLE_STATES, Instrument, InstrumentAttachment, RegistrationStatus


def visible_instruments(access: Access, queryset: QuerySet[Instrument] | None = None) -> QuerySet[Instrument]:
    """Published records for everyone; a unit's own records for its staff; supervised units' for departments."""
    queryset = Instrument.objects.all() if queryset is None else queryset
    if access.is_platform_admin or access.is_evaluator:
        return queryset
    scope = Q(registration_status=RegistrationStatus.PUBLISHED)
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def visible_attachments(access: Access) -> QuerySet[InstrumentAttachment]:
    """Photos and documents of the instruments the user may see: a draft's files are as private as the draft."""
    return InstrumentAttachment.objects.filter(instrument__in=visible_instruments(access))


def can_create_in(access: Access, unit_id: int) -> bool:
    return unit_id in access.editor_unit_ids


def can_edit(access: Access, instrument: Instrument) -> bool:
    """Unit admins and information officers edit their unit's records; a manager edits the ones they manage."""
    if instrument.registration_status not in EDITABLE_STATES:
        return False
    if instrument.unit_id in access.editor_unit_ids:
        return True
    return (
        access.user_id is not None
        and instrument.manager_id == access.user_id
        and instrument.unit_id in access.staff_unit_ids
    )


def can_see_history(access: Access, instrument: Instrument) -> bool:
    return (
        access.is_platform_admin
        or instrument.unit_id in access.staff_unit_ids
        or instrument.unit.supervising_department_id in access.department_ids
    )


def can_manage_service(access: Access, instrument: Instrument) -> bool:
    """Who sets an instrument's service (booking settings, fees, qualifications, order fields): its manager and
    the unit's admins."""
    return instrument.unit_id in access.unit_admin_unit_ids or (
        access.user_id is not None
        and instrument.manager_id == access.user_id
        and instrument.unit_id in access.staff_unit_ids
    )


def can_serve(access: Access, instrument: Instrument) -> bool:
    """Who runs the day-to-day service (approve bookings, check users in, receive samples): the managers above
    and the unit's technicians."""
    from yiqi.accounts.models import Role

    return can_manage_service(access, instrument) or instrument.unit_id in access.organizations_with(
        Role.TECHNICIAN
    )


def served_instruments(access: Access) -> QuerySet[Instrument]:
    """The instruments ``can_serve`` lets the user serve, as one query: every instrument of the units where they
    are unit admin or technician, and those they manage in a unit where they work."""
    from yiqi.accounts.models import Role

    if not access.staff_unit_ids:
        return Instrument.objects.none()
    return Instrument.objects.filter(
        Q(unit_id__in=access.organizations_with(Role.UNIT_ADMIN, Role.TECHNICIAN))
        | Q(manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    )


def serves_instruments(access: Access) -> bool:
    """Whether the user runs any instrument's day-to-day service (a service desk of their own); asked once per page
    view."""
    return remembered(("serves_instruments", access.user_id), served_instruments(access).exists)


def sharing_admits(access: Access, instrument: Instrument) -> bool:
    """Whether the sharing mode lets this user use the instrument: open to society, or internal-only and the user
    belongs to the owning unit (staff or registered there) — the same membership that prices them as internal."""
    if instrument.sharing_mode == Instrument.SharingMode.EXTERNAL:
        return True
    return (
        instrument.sharing_mode == Instrument.SharingMode.INTERNAL
        and instrument.unit_id in access.member_organization_ids
    )


def is_open_for_service(instrument: Instrument) -> bool:
    """Published, operating normally and shared: the only records anyone can book or order."""
    return (
        instrument.registration_status == RegistrationStatus.PUBLISHED
        and instrument.operating_status == Instrument.OperatingStatus.NORMAL
        and instrument.sharing_mode != Instrument.SharingMode.NOT_SHARED
    )
