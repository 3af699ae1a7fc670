"""The world the reads-never-write test walks, and how each named route gets a concrete address in it.

One of every kind of object the routes take in their paths, built with the apps' factories and services, and one
person in each role a page may be read as.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from yiqi.accounts.models import Role, User
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.alliances.tests.scene import alliance_scene
from yiqi.booking.models import BookingStatus, BookingSuspension, CalendarFeed, CreditEvent
from yiqi.booking.tests.factories import (
    BlackoutFactory,
    BookingFactory,
    QualificationFactory,
    WaitlistEntryFactory,
    bookable_instrument,
)
from yiqi.census.tests.scene import census_scene
from yiqi.demands.tests.scene import demand_scene
from yiqi.evaluation.tests.scene import evaluation_scene
from yiqi.feedback import services as feedback
from yiqi.fees import services as fees
from yiqi.fees.models import Charge
from yiqi.fees.tests.helpers import priced
from yiqi.interlocks.models import InterlockCommand, InterlockSession
from yiqi.interlocks.tests.factories import InterlockFactory
from yiqi.monitoring.models import Device, ReconciliationItem
from yiqi.monitoring.tests.factories import DeviceFactory
from yiqi.notifications.services import notify
from yiqi.orders.models import OrderFormField, TestOrder
from yiqi.orders.tests.conftest import advance, submit
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import (
    DepartmentFactory,
    DeploymentFactory,
    OrganizationFactory,
    SubUnitFactory,
)
from yiqi.outcomes.tests.scene import outcome_scene
from yiqi.purchases.tests.scene import purchase_scene
from yiqi.registry.models import ImportJob, Instrument, InstrumentAttachment, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.resources.tests.scene import resource_scene
from yiqi.servicerecords.models import ServiceRecord
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.conftest import pdf, png, xlsx
from yiqi.usage.tests.factories import UsageRecordFactory
from yiqi.vouchers.tests.scene import voucher_scene

# Everyone a page may be read as. The unit-side roles all hold their role in unit A, which owns the instruments.
ROLES = (
    "anonymous",
    "individual",
    "enterprise",
    "unit_admin",
    "officer",
    "manager",
    "technician",
    "department",
    "platform_admin",
)


@dataclass
class Scene:
    users: dict[str, User | None]
    unit: Organization
    published: Instrument
    unconfigured: Instrument
    draft: Instrument
    booking: object
    future_booking: object
    waitlist_entry: object
    qualification: object
    blackout: object
    unrated: ServiceRecord
    order: TestOrder
    form_field: OrderFormField
    charge: Charge
    order_charge: Charge
    adjustment: object
    usage_record: UsageRecord
    service_usage: UsageRecord
    rating: object
    complaint: object
    import_job: ImportJob
    feed: CalendarFeed
    suspension: BookingSuspension
    vouchers: SimpleNamespace
    device: Device
    reconciliation_item: ReconciliationItem
    interlock: object = None
    interlock_session: object = None
    interlock_command: object = None
    resources: SimpleNamespace | None = None
    outcomes: SimpleNamespace | None = None
    census: SimpleNamespace | None = None
    alliance: SimpleNamespace | None = None
    purchases: SimpleNamespace | None = None
    need: object = None
    national_record: object = None
    reporting_job: object = None
    migration_job: object = None
    evaluation: SimpleNamespace | None = None
    unit_key: object = None
    webhook: object = None
    webhook_delivery: object = None


def build_scene() -> Scene:
    DeploymentFactory()  # a platform that has been set up, as every served one is (its frame reads it once)
    department = DepartmentFactory(name="陕西省教育厅")
    unit = OrganizationFactory(name="西北测试大学", supervising_department=department)
    enterprise = OrganizationFactory(
        name="西安某某科技有限公司", kind=Organization.Kind.ENTERPRISE, is_management_unit=False
    )
    users = {
        "anonymous": None,
        "individual": UserFactory(username="person"),  # signed in, no role anywhere
        "enterprise": user_with_role(Role.EXTERNAL_USER, organization=enterprise, username="company"),
        "unit_admin": user_with_role(Role.UNIT_ADMIN, organization=unit, username="unit_admin"),
        "officer": user_with_role(Role.INFORMATION_OFFICER, organization=unit, username="officer"),
        "manager": user_with_role(Role.INSTRUMENT_MANAGER, organization=unit, username="manager"),
        "technician": user_with_role(Role.TECHNICIAN, organization=unit, username="technician"),
        "department": user_with_role(Role.DEPARTMENT_ADMIN, department=department, username="department"),
        "platform_admin": user_with_role(Role.PLATFORM_ADMIN, username="authority"),
    }
    company, manager = users["enterprise"], users["manager"]

    published = InstrumentFactory(
        unit=unit,
        sub_unit=SubUnitFactory(unit=unit),
        registration_status=RegistrationStatus.PUBLISHED,
        name="场发射扫描电镜",
        manager=manager,
    )
    _with_photo(published)
    bookable_instrument(published, weekdays=range(7))
    priced(published)
    form_field = OrderFormField.objects.create(
        instrument=published, key="coating", label="是否喷金", field_type=OrderFormField.FieldType.TEXT
    )

    ended = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    booking = BookingFactory(
        instrument=published,
        user=company,
        user_organization=enterprise,
        status=BookingStatus.COMPLETED,
        starts_at=ended - dt.timedelta(hours=2),
        ends_at=ended,
    )
    # The bill of the finished booking's record; billing also writes the service's usage record.
    charge = fees.bill(booking.record, actor=manager)
    adjustment = fees.request_adjustment(charge, actor=manager, amount="-10.00", reason="机时记录有误")
    rating = feedback.rate(
        user=company,
        record=booking.record,
        overall=4,
        timeliness=4,
        attitude=5,
        result_quality=4,
        comment="数据清晰",
    )
    complaint = feedback.file_complaint(
        user=company,
        subject="报告延迟",
        description="结果晚了一周。",
        instrument=published,
        record=booking.record,
    )
    # Another finished booking, billed but not yet rated: its record's rating page offers the form.
    unrated = BookingFactory(
        instrument=published,
        user=company,
        user_organization=enterprise,
        status=BookingStatus.COMPLETED,
        starts_at=ended - dt.timedelta(days=1, hours=2),
        ends_at=ended - dt.timedelta(days=1),
    ).record
    fees.bill(unrated, actor=manager)
    order = advance(
        SimpleNamespace(users={"manager_a": manager, "external_user": company}),
        submit(SimpleNamespace(users={"external_user": company}), published, user_organization=enterprise),
        "results_ready",
    )
    notify([company, manager], "您有一条新消息", url="/")
    missed = BookingFactory(
        instrument=published,
        user=company,
        user_organization=enterprise,
        status=BookingStatus.NO_SHOW,
        starts_at=ended - dt.timedelta(days=2, hours=2),
        ends_at=ended - dt.timedelta(days=2),
    )
    suspension = BookingSuspension.objects.create(
        user=company, starts_at=ended, ends_at=ended + dt.timedelta(days=30), reason="90 天内爽约 3 次"
    )
    CreditEvent.objects.create(
        booking=missed,
        kind=CreditEvent.Kind.NO_SHOW,
        user=company,
        user_organization=enterprise,
        unit=unit,
        occurred_at=missed.ends_at,
        suspension=suspension,
    )
    return Scene(
        users=users,
        unit=unit,
        published=published,
        # Published for self-operation but its booking settings never saved: pages must show the defaults.
        unconfigured=InstrumentFactory(
            unit=unit,
            name="未设置预约的光谱仪",
            registration_status=RegistrationStatus.PUBLISHED,
            offers_self_operation=True,
            manager=manager,
        ),
        draft=_with_photo(InstrumentFactory(unit=unit, name="A单位草稿")),
        booking=booking,
        future_booking=BookingFactory(instrument=published, user=company, user_organization=enterprise),
        waitlist_entry=WaitlistEntryFactory(instrument=published, user=company),
        qualification=QualificationFactory(instrument=published, user=company),
        blackout=BlackoutFactory(instrument=published, starts_at=timezone.now() + dt.timedelta(days=20)),
        unrated=unrated,
        order=order,
        form_field=form_field,
        charge=charge,
        order_charge=Charge.objects.get(record=order.record),  # the order's quote, not yet billed
        adjustment=adjustment,
        usage_record=UsageRecordFactory(
            instrument=published, machine_hours=Decimal("1.50"), evidence=pdf(), recorded_by=manager
        ),
        service_usage=UsageRecord.objects.get(record=booking.record),  # written when the booking was billed
        rating=rating,
        complaint=complaint,
        import_job=ImportJob.objects.create(
            unit=unit,
            uploaded_by=users["officer"],
            file=xlsx("仪器导入.xlsx"),
            original_name="仪器导入.xlsx",
            status=ImportJob.Status.DONE,
        ),
        feed=CalendarFeed.objects.create(user=company),
        suspension=suspension,
        vouchers=voucher_scene(
            department=department, unit=unit, enterprise=enterprise, instrument=published, users=users
        ),
        **_interlock_scene(published, booking, manager),
        resources=resource_scene(unit=unit, requester=company),
        outcomes=outcome_scene(unit=unit, instrument=published, user=company, record=booking.record),
        census=census_scene(unit=unit),
        alliance=alliance_scene(unit=unit),
        purchases=purchase_scene(unit=unit, officer=users["officer"], authority=users["platform_admin"]),
        need=demand_scene(poster=company, region=unit.region, instrument=published),
        **_exchange_scene(unit, published),
        evaluation=evaluation_scene(unit=unit, authority=users["platform_admin"], officer=users["officer"]),
        # A monitored instrument: its gateway, and a run the platform found with no booking or record.
        device=DeviceFactory(instrument=published, uid="scene-gateway"),
        reconciliation_item=ReconciliationItem.objects.create(
            instrument=published,
            unit=unit,
            kind=ReconciliationItem.Kind.UNRECORDED_USE,
            started_at=timezone.now() - dt.timedelta(days=1, hours=3),
            ended_at=timezone.now() - dt.timedelta(days=1),
            telemetry_hours=Decimal("3.00"),
        ),
    )


def _exchange_scene(unit, instrument) -> dict:
    """The instrument's national record, returned by the platform in a finished reporting job."""
    from yiqi.exchange.models import (
        MigrationJob,
        NationalRecord,
        RecordType,
        ReportingJob,
        UnitKey,
        Webhook,
        WebhookDelivery,
    )

    job = ReportingJob.objects.create(
        unit=unit, endpoint="http://national.example/instru?wsdl", status="done", total=1
    )
    # Outside a transaction (live-server walks) saving the instrument has already built its record: take that one.
    record, _ = NationalRecord.objects.update_or_create(
        record_type=RecordType.INSTRUMENT,
        unit=unit,
        object_key=str(instrument.pk),
        defaults={
            "title": instrument.name,
            "payload": {"cname": instrument.name},
            "digest": "0" * 64,
            "status": NationalRecord.Status.RETURNED,
            "return_code": "202",
            "return_reason": "worth: 格式不符合国家平台要求",
            "job": job,
        },
    )
    key = UnitKey.objects.create(
        unit=unit,
        name="实验室 LIMS",
        prefix="scenekey0001",
        secret_digest="0" * 64,
        scopes=["read"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    webhook = Webhook.objects.create(
        unit=unit, url="https://lims.example.cn/hooks", events=["service.completed"], secret="s" * 43
    )
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event="service.completed",
        event_id=uuid.UUID(int=1),
        payload={"event": "service.completed", "data": {}},
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        response_status=204,
    )
    migration = MigrationJob.objects.create(
        name="old-platform.json", path="exchange/migration/scene", status=MigrationJob.Status.DONE
    )
    return {
        "national_record": record,
        "reporting_job": job,
        "migration_job": migration,
        "unit_key": key,
        "webhook": webhook,
        "webhook_delivery": delivery,
    }


def _interlock_scene(instrument, booking, manager) -> dict:
    """A switch on the instrument with the session and command of the finished booking."""
    interlock = InterlockFactory(device__instrument=instrument)
    session = InterlockSession.objects.create(
        interlock=interlock,
        instrument=instrument,
        unit=instrument.unit,
        user=booking.user,
        booking=booking,
        started_at=booking.starts_at,
        ended_at=booking.ends_at,
        end_cause=InterlockSession.EndCause.AUTO_OFF,
    )
    command = InterlockCommand.objects.create(
        interlock=interlock,
        action=InterlockCommand.Action.UNLOCK,
        for_user=booking.user,
        booking=booking,
        requested_by=manager,
        sent_at=booking.starts_at,
        ok=True,
        state="unlocked",
    )
    return {"interlock": interlock, "interlock_session": session, "interlock_command": command}


def _with_photo(instrument):
    InstrumentAttachment.objects.create(
        instrument=instrument, kind=InstrumentAttachment.Kind.PHOTO, file=png(), title="外观"
    )
    return instrument


def _attachment(instrument_of):
    return lambda s: {"pk": instrument_of(s).pk, "attachment_id": instrument_of(s).attachments.get().pk}


def _none(scene):
    return {}


def _published(scene):
    return {"pk": scene.published.pk}


def _draft(scene):
    return {"pk": scene.draft.pk}


def _unconfigured(scene):
    return {"pk": scene.unconfigured.pk}


def _instrument_id(scene):
    return {"instrument_id": scene.published.pk}


def _unconfigured_id(scene):
    return {"instrument_id": scene.unconfigured.pk}


def _booking(scene):
    return {"pk": scene.future_booking.pk}


def _order(scene):
    return {"pk": scene.order.pk}


def _result(scene):
    return {"pk": scene.order.pk, "result_id": scene.order.results.get().pk}


def _charge(scene):
    return {"pk": scene.charge.pk}


def _order_charge(scene):
    return {"pk": scene.order_charge.pk}


def _record(scene):
    return {"pk": scene.usage_record.pk}


def _interlock(scene):
    return {"pk": scene.interlock.pk}


def _service_usage(scene):
    return {"pk": scene.service_usage.pk}


# Every named route and the path arguments it is read with: a function, or a tuple of them for several objects
# (a published and a draft instrument). A route missing here fails test_every_route_is_walked. Routes that only
# answer POST are read too: their 405 must not write either.
ROUTES = {
    "api-root": _none,
    "api-schema": _none,
    "api-docs": _none,
    "api-token": _none,
    "api-read-log": _none,
    "api-search": _none,
    "api-booking-availability": (_published, _unconfigured),
    "api-service-settings": (_published, _unconfigured),
    "api-qualifications": _published,
    "api-qualification": lambda s: {"pk": s.published.pk, "qualification_id": s.qualification.pk},
    "api-blackouts": _published,
    "api-blackout": lambda s: {"pk": s.published.pk, "blackout_id": s.blackout.pk},
    "api-instrument-order-fields": _published,
    "api-statements": _none,
    "api-usage-totals": _none,
    "api-region-list": _none,
    "api-region-detail": lambda s: {"pk": s.unit.region_id},
    "api-department-list": _none,
    "api-department-detail": lambda s: {"pk": s.unit.supervising_department_id},
    "api-organization-list": _none,
    "api-organization-detail": lambda s: {"pk": s.unit.pk},
    "api-sub-unit-list": _none,
    "api-sub-unit-detail": lambda s: {"pk": s.published.sub_unit_id},
    "api-category-list": _none,
    "api-category-detail": lambda s: {"pk": s.published.category_id},
    "api-instrument-list": _none,
    "api-instrument-detail": (_published, _draft),
    "api-instrument-attachment": (_attachment(lambda s: s.published), _attachment(lambda s: s.draft)),
    "api-instrument-events": _published,
    "api-instrument-history": _published,
    "api-instrument-submit": _draft,
    "api-instrument-transition": _draft,
    "api-booking-list": _none,
    "api-booking-detail": _booking,
    "api-booking-approve": _booking,
    "api-booking-cancel": _booking,
    "api-booking-check-in": _booking,
    "api-booking-complete": _booking,
    "api-booking-no-show": _booking,
    "api-booking-reject": _booking,
    "api-waitlist-list": _none,
    "api-waitlist-detail": lambda s: {"pk": s.waitlist_entry.pk},
    "api-waitlist-accept": lambda s: {"pk": s.waitlist_entry.pk},
    "api-waitlist-decline": lambda s: {"pk": s.waitlist_entry.pk},
    "api-order-list": _none,
    "api-order-detail": _order,
    "api-order-download-result": _result,
    "api-order-results": _order,
    "api-order-staff": _order,
    "api-order-transition": _order,
    "api-fee-item-list": _none,
    "api-fee-item-detail": lambda s: {"pk": s.published.fee_items.first().pk},
    "api-charge-list": _none,
    "api-charge-detail": (_charge, _order_charge),
    "api-charge-adjust": _charge,
    "api-charge-decide-adjustment": _charge,
    "api-charge-record-payment": _charge,
    "api-usage-record-list": _none,
    "api-usage-record-detail": (_record, _service_usage),
    "api-usage-record-evidence": _record,
    "api-rating-list": _none,
    "api-rating-detail": lambda s: {"pk": s.rating.pk},
    "api-rating-reply": lambda s: {"pk": s.rating.pk},
    "api-complaint-list": _none,
    "api-complaint-detail": lambda s: {"pk": s.complaint.pk},
    "api-complaint-transition": lambda s: {"pk": s.complaint.pk},
    "api-voucher-programme-list": _none,
    "api-voucher-programme-detail": lambda s: {"pk": s.vouchers.programme.pk},
    "api-voucher-programme-report": lambda s: {"pk": s.vouchers.programme.pk},
    "api-voucher-application-list": _none,
    "api-voucher-application-detail": lambda s: {"pk": s.vouchers.application.pk},
    "api-voucher-application-decide": lambda s: {"pk": s.vouchers.application.pk},
    "api-voucher-account-list": _none,
    "api-voucher-account-detail": lambda s: {"pk": s.vouchers.account.pk},
    "api-voucher-account-clawback": lambda s: {"pk": s.vouchers.account.pk},
    "api-voucher-provider-list": _none,
    "api-voucher-provider-detail": lambda s: {"pk": s.vouchers.provider.pk},
    "api-voucher-provider-decide": lambda s: {"pk": s.vouchers.provider.pk},
    "api-voucher-payment-list": _none,
    "api-voucher-payment-detail": lambda s: {"pk": s.vouchers.unclaimed.pk},
    "api-voucher-payment-refund": lambda s: {"pk": s.vouchers.unclaimed.pk},
    "api-voucher-claim-list": _none,
    "api-voucher-claim-detail": lambda s: {"pk": s.vouchers.claim.pk},
    "api-voucher-claim-decide": lambda s: {"pk": s.vouchers.claim.pk},
    "api-voucher-batch-list": _none,
    "api-voucher-batch-detail": lambda s: {"pk": s.vouchers.batch.pk},
    "api-voucher-batch-review": lambda s: {"pk": s.vouchers.batch.pk},
    "api-voucher-batch-pay": lambda s: {"pk": s.vouchers.batch.pk},
    "api-expert-list": _none,
    "accounts:login": _none,
    "accounts:logout": _none,
    "accounts:register": _none,
    "accounts:profile": _none,
    "accounts:invitation": lambda s: {"token": "not-a-real-invitation-token"},
    "accounts:members": _none,
    "accounts:invitation_revoke": lambda s: {"pk": 1},
    "accounts:join_request_decide": lambda s: {"pk": 1},
    "accounts:join_request_bulk": _none,
    "accounts:setup": _none,
    "accounts:setup_template": _none,
    "accounts:setup_region": _none,
    "accounts:setup_department": _none,
    "accounts:setup_unit": _none,
    "accounts:national_login": _none,
    "accounts:national_return": _none,
    "accounts:national_confirm": _none,
    "accounts:national_unlink": _none,
    "accounts:password_change": _none,
    "accounts:password_change_done": _none,
    "accounts:password_reset": _none,
    "accounts:password_reset_done": _none,
    "accounts:password_reset_confirm": lambda s: {"uidb64": "MQ", "token": "not-a-token"},
    "accounts:password_reset_complete": _none,
    "registry:instrument_list": _none,
    "registry:instrument_create": _none,
    "registry:instrument_detail": (_published, _unconfigured, _draft),
    "registry:instrument_sheet": (_published, _draft),
    "registry:instrument_update": _draft,
    "registry:attachment_upload": _draft,
    "registry:attachment_file": (_attachment(lambda s: s.published), _attachment(lambda s: s.draft)),
    "registry:instrument_transition": _draft,
    "registry:review_queue": _none,
    "registry:review_bulk": _none,
    "registry:deadlines": _none,
    "registry:export": (lambda s: {"fmt": "csv"}, lambda s: {"fmt": "xlsx"}),
    "registry:import_upload": _none,
    "registry:import_template": _none,
    "registry:import_status": lambda s: {"pk": s.import_job.pk},
    "catalog:search": _none,
    "notifications:inbox": _none,
    "booking:mine": _none,
    "booking:queue": _none,
    "booking:credit": _none,
    "booking:credit_appeals": _none,
    "booking:credit_overview": _none,
    "booking:suspension_action": lambda s: {"pk": s.suspension.pk, "action": "override"},
    "booking:detail": _booking,
    "booking:action": lambda s: {"pk": s.future_booking.pk, "action": "cancel"},
    "booking:waitlist": _none,
    "booking:waitlist_accept": lambda s: {"pk": s.waitlist_entry.pk},
    "booking:waitlist_decline": lambda s: {"pk": s.waitlist_entry.pk},
    "booking:feed_reset": _none,
    "booking:user_feed": lambda s: {"token": s.feed.token},
    "booking:availability": (_instrument_id, _unconfigured_id),
    "booking:day_list": (_instrument_id, _unconfigured_id),
    "booking:waitlist_join": _instrument_id,
    "booking:instrument_feed": (_instrument_id, _unconfigured_id),
    "booking:settings": (_instrument_id, _unconfigured_id),
    "booking:blackout_remove": lambda s: {"instrument_id": s.published.pk, "pk": s.blackout.pk},
    "booking:qualification_revoke": lambda s: {"instrument_id": s.published.pk, "pk": s.qualification.pk},
    "orders:create": _instrument_id,
    "orders:mine": _none,
    "orders:queue": _none,
    "orders:detail": _order,
    "orders:action": _order,
    "orders:assign": _order,
    "orders:upload_results": _order,
    "orders:download_result": _result,
    "orders:delete_result": _result,
    "orders:form_fields": _instrument_id,
    "orders:form_field_edit": lambda s: {"instrument_id": s.published.pk, "field_id": s.form_field.pk},
    "orders:form_field_delete": lambda s: {"instrument_id": s.published.pk, "field_id": s.form_field.pk},
    "orders:form_field_move": lambda s: {"instrument_id": s.published.pk, "field_id": s.form_field.pk},
    "fees:schedule": _published,
    "fees:fee_item_edit": lambda s: {"pk": s.published.pk, "item_pk": s.published.fee_items.first().pk},
    "fees:fee_item_active": lambda s: {"pk": s.published.pk, "item_pk": s.published.fee_items.first().pk},
    "fees:charge_detail": (_charge, _order_charge),
    "fees:charge_adjust": _charge,
    "fees:adjustment_decide": lambda s: {"pk": s.charge.pk, "adjustment_pk": s.adjustment.pk},
    "fees:charge_payment": _charge,
    "fees:mine": _none,
    "fees:unit": _none,
    "fees:statement": _none,
    "fees:statement_export": (lambda s: {"fmt": "csv"}, lambda s: {"fmt": "xlsx"}),
    "usage:dashboard": _none,
    "interlocks:list": _none,
    "interlocks:detail": _interlock,
    "interlocks:fit": _none,
    "interlocks:settings": _interlock,
    "interlocks:enable": _interlock,
    "interlocks:release": _interlock,
    "interlocks:override": _interlock,
    "api-interlock-list": _none,
    "api-interlock-detail": _interlock,
    "api-interlock-enable": _interlock,
    "api-interlock-release": _interlock,
    "api-interlock-override": _interlock,
    "api-interlock-command-list": _none,
    "api-interlock-command-detail": lambda scene: {"pk": scene.interlock_command.pk},
    "api-interlock-session-list": _none,
    "api-interlock-session-detail": lambda scene: {"pk": scene.interlock_session.pk},
    "usage:record_list": _none,
    "usage:overdue_checkouts": _none,
    "usage:record_export": _none,
    "usage:record_create": _none,
    "usage:record_detail": (_record, _service_usage),
    "usage:record_update": _record,
    "usage:record_delete": _record,
    "usage:record_evidence": _record,
    # Service records: a booking's, completed and rated; another, completed and not yet rated; the order's, open.
    "feedback:rate": (
        lambda s: {"pk": s.booking.record_id},
        lambda s: {"pk": s.unrated.pk},
        lambda s: {"pk": s.order.record_id},
    ),
    "feedback:rating_list": _none,
    "feedback:rating_reply": lambda s: {"pk": s.rating.pk},
    "feedback:complaint_list": _none,
    "feedback:complaint_create": _none,
    "feedback:complaint_detail": lambda s: {"pk": s.complaint.pk},
    "feedback:complaint_transition": lambda s: {"pk": s.complaint.pk},
    "vouchers:home": _none,
    "vouchers:programme_create": _none,
    "vouchers:programme": lambda s: {"pk": s.vouchers.programme.pk},
    "vouchers:programme_export": lambda s: {"pk": s.vouchers.programme.pk},
    "vouchers:apply": lambda s: {"pk": s.vouchers.programme.pk},
    "vouchers:provider_register": lambda s: {"pk": s.vouchers.programme.pk},
    "vouchers:application_decide": lambda s: {"pk": s.vouchers.application.pk},
    "vouchers:clawback": lambda s: {"pk": s.vouchers.account.pk},
    "vouchers:provider_decide": lambda s: {"pk": s.vouchers.provider.pk},
    "vouchers:provider_licence": lambda s: {"pk": s.vouchers.provider.pk},
    "vouchers:pay": lambda s: {"pk": s.vouchers.to_pay.pk},
    "vouchers:refund": lambda s: {"pk": s.vouchers.unclaimed.pk},
    "vouchers:claim_create": lambda s: {"pk": s.vouchers.unclaimed.pk},
    "vouchers:claim_decide": lambda s: {"pk": s.vouchers.claim.pk},
    "vouchers:claim_file": lambda s: {"pk": s.vouchers.claim.pk, "which": "contract"},
    "vouchers:batch": lambda s: {"pk": s.vouchers.batch.pk},
    "resources:list": _none,
    "resources:mine": _none,
    "resources:create": _none,
    "resources:detail": (lambda s: {"pk": s.resources.published.pk}, lambda s: {"pk": s.resources.draft.pk}),
    "resources:edit": lambda s: {"pk": s.resources.draft.pk},
    "resources:act": lambda s: {"pk": s.resources.draft.pk},
    "resources:request": lambda s: {"pk": s.resources.published.pk},
    "resources:requests": _none,
    "resources:request_detail": lambda s: {"pk": s.resources.request.pk},
    "resources:request_act": lambda s: {"pk": s.resources.request.pk},
    "api-resource-list": _none,
    "api-resource-detail": (
        lambda s: {"pk": s.resources.published.pk},
        lambda s: {"pk": s.resources.draft.pk},
    ),
    "api-resource-act": lambda s: {"pk": s.resources.draft.pk},
    "api-resource-request-list": _none,
    "api-resource-request-detail": lambda s: {"pk": s.resources.request.pk},
    "api-resource-request-decide": lambda s: {"pk": s.resources.request.pk},
    "outcomes:list": _none,
    "outcomes:create": _none,
    "outcomes:mine": _none,
    "outcomes:edit": lambda s: {"pk": s.outcomes.recorded.pk},
    "outcomes:delete": (
        lambda s: {"pk": s.outcomes.recorded.pk},
        lambda s: {"pk": s.outcomes.acknowledgement.pk},
    ),
    "outcomes:decide": lambda s: {"pk": s.outcomes.acknowledgement.pk},
    "api-outcome-list": _none,
    "api-outcome-acknowledge": _none,
    "api-outcome-detail": (
        lambda s: {"pk": s.outcomes.recorded.pk},
        lambda s: {"pk": s.outcomes.acknowledgement.pk},
    ),
    "api-outcome-decide": lambda s: {"pk": s.outcomes.acknowledgement.pk},
    "census:list": _none,
    "census:open": _none,
    "census:detail": lambda s: {"pk": s.census.census.pk},
    "census:chase": lambda s: {"pk": s.census.census.pk},
    "census:close": lambda s: {"pk": s.census.census.pk},
    "census:publish": lambda s: {"pk": s.census.census.pk},
    "census:marks": lambda s: {"pk": s.census.published.pk},
    "census:results": _none,
    "census:results_year": lambda s: {"year": s.census.published.year},
    "census:select": lambda s: {"pk": s.census.census_return.pk},
    "census:resource_line_add": lambda s: {"pk": s.census.census_return.pk},
    "census:resource_line": lambda s: {"pk": s.census.resource_line.pk},
    "census:return": lambda s: {"pk": s.census.census_return.pk},
    "census:figures": lambda s: {"pk": s.census.census_return.pk},
    "census:line_add": lambda s: {"pk": s.census.census_return.pk},
    "census:act": lambda s: {"pk": s.census.census_return.pk},
    "census:line": lambda s: {"pk": s.census.line.pk},
    "api-census-list": _none,
    "api-census-detail": lambda s: {"pk": s.census.census.pk},
    "api-census-snapshot": lambda s: {"pk": s.census.census.pk},
    "api-census-publish": lambda s: {"pk": s.census.census.pk},
    "api-census-mark": lambda s: {"pk": s.census.census.pk},
    "api-census-result-list": _none,
    "api-census-result-detail": lambda s: {"year": s.census.published.year},
    "api-census-return-select": lambda s: {"pk": s.census.census_return.pk},
    "api-census-return-list": _none,
    "api-census-return-detail": lambda s: {"pk": s.census.census_return.pk},
    "api-census-return-act": lambda s: {"pk": s.census.census_return.pk},
    "alliances:list": _none,
    "alliances:create": _none,
    "alliances:detail": lambda s: {"pk": s.alliance.alliance.pk},
    "alliances:terms": lambda s: {"pk": s.alliance.alliance.pk},
    "alliances:join": lambda s: {"pk": s.alliance.alliance.pk},
    "alliances:membership_act": lambda s: {"pk": s.alliance.application.pk},
    "alliances:invite": lambda s: {"pk": s.alliance.alliance.pk},
    "api-alliance-join": lambda s: {"pk": s.alliance.alliance.pk},
    "api-alliance-invite": lambda s: {"pk": s.alliance.alliance.pk},
    "api-alliance-membership-list": _none,
    "api-alliance-membership-detail": lambda s: {"pk": s.alliance.application.pk},
    "api-alliance-membership-act": lambda s: {"pk": s.alliance.application.pk},
    "api-alliance-list": _none,
    "api-alliance-detail": lambda s: {"pk": s.alliance.alliance.pk},
    "purchases:list": _none,
    "purchases:create": _none,
    "purchases:detail": (lambda s: {"pk": s.purchases.decided.pk}, lambda s: {"pk": s.purchases.draft.pk}),
    "purchases:edit": lambda s: {"pk": s.purchases.draft.pk},
    "purchases:act": lambda s: {"pk": s.purchases.draft.pk},
    "purchases:print": lambda s: {"pk": s.purchases.decided.pk},
    "purchases:record": _none,
    "api-purchase-application-record": _none,
    "api-purchase-application-pdf": lambda s: {"pk": s.purchases.decided.pk},
    "api-purchase-application-list": _none,
    "api-purchase-application-detail": (
        lambda s: {"pk": s.purchases.decided.pk},
        lambda s: {"pk": s.purchases.draft.pk},
    ),
    "api-purchase-application-act": lambda s: {"pk": s.purchases.draft.pk},
    "demands:list": _none,
    "demands:create": _none,
    "demands:unmet": _none,
    "demands:detail": lambda s: {"pk": s.need.pk},
    "demands:act": lambda s: {"pk": s.need.pk},
    "demands:order": lambda s: {"pk": s.need.pk, "match": s.need.matches.order_by("pk").first().pk},
    "api-need-list": _none,
    "api-need-unmet": _none,
    "api-need-detail": lambda s: {"pk": s.need.pk},
    "api-need-act": lambda s: {"pk": s.need.pk},
    "portal:home": _none,
    "webapp_manifest": _none,
    "service_worker": _none,
    "offline": _none,
    "portal:workspace": _none,
    "portal:read_log": _none,
    "portal:unit_list": _none,
    "portal:unit_detail": lambda s: {"pk": s.unit.pk},
    "api-telemetry": _none,
    "api-monitoring-states": _none,
    "api-monitoring-intervals": _none,
    "api-monitoring-daily-hours": _none,
    "api-monitoring-monthly-hours": _none,
    "api-monitoring-device-list": _none,
    "api-monitoring-device-detail": lambda s: {"pk": s.device.pk},
    "api-monitoring-device-rotate": lambda s: {"pk": s.device.pk},
    "api-monitoring-device-revoke": lambda s: {"pk": s.device.pk},
    "api-monitoring-item-list": _none,
    "api-monitoring-item-detail": lambda s: {"pk": s.reconciliation_item.pk},
    "api-monitoring-item-explain": lambda s: {"pk": s.reconciliation_item.pk},
    "api-monitoring-item-review": lambda s: {"pk": s.reconciliation_item.pk},
    "monitoring:board": _none,
    "monitoring:timeline": _published,
    "monitoring:items": _none,
    "monitoring:item_detail": lambda s: {"pk": s.reconciliation_item.pk},
    "exchange:record_list": _none,
    "exchange:record_detail": lambda s: {"pk": s.national_record.pk},
    "exchange:record_resubmit": lambda s: {"pk": s.national_record.pk},
    "exchange:confirm": _none,
    "exchange:rebuild": _none,
    "exchange:job_list": _none,
    "exchange:job_start": _none,
    "exchange:job_detail": lambda s: {"pk": s.reporting_job.pk},
    "exchange:fake_endpoint": _none,
    "exchange:migration": _none,
    "exchange:receive": _none,
    "exchange:systems": _none,
    "exchange:key_create": _none,
    "exchange:key_revoke": lambda s: {"pk": s.unit_key.pk},
    "exchange:webhook_create": _none,
    "exchange:webhook_disable": lambda s: {"pk": s.webhook.pk},
    "api-exchange-record-list": _none,
    "api-exchange-record-detail": lambda s: {"pk": s.national_record.pk},
    "api-exchange-job-list": _none,
    "api-exchange-job-detail": lambda s: {"pk": s.reporting_job.pk},
    "api-exchange-migration-list": _none,
    "api-exchange-migration-detail": lambda s: {"pk": s.migration_job.pk},
    "evaluation:home": _none,
    "evaluation:results": _none,
    "evaluation:published_round": lambda s: {"pk": s.evaluation.published.pk},
    "evaluation:scheme_list": _none,
    "evaluation:scheme": (lambda s: {"pk": s.evaluation.scheme.pk}, lambda s: {"pk": s.evaluation.draft.pk}),
    "evaluation:scheme_copy": lambda s: {"pk": s.evaluation.scheme.pk},
    "evaluation:scheme_activate": lambda s: {"pk": s.evaluation.draft.pk},
    "evaluation:scheme_grades": lambda s: {"pk": s.evaluation.draft.pk},
    "evaluation:indicator_edit": lambda s: {"pk": s.evaluation.indicator.pk},
    "evaluation:round_create": _none,
    "evaluation:round": (
        lambda s: {"pk": s.evaluation.round.pk},
        lambda s: {"pk": s.evaluation.published.pk},
    ),
    "evaluation:round_step": lambda s: {"pk": s.evaluation.round.pk},
    "evaluation:round_subsidies": lambda s: {"pk": s.evaluation.round.pk},
    "evaluation:round_export": lambda s: {"pk": s.evaluation.published.pk},
    "evaluation:round_print": lambda s: {"pk": s.evaluation.published.pk},
    "evaluation:unit_print": lambda s: {"pk": s.evaluation.published_evaluation.pk},
    "evaluation:unit": (
        lambda s: {"pk": s.evaluation.evaluation.pk},
        lambda s: {"pk": s.evaluation.published_evaluation.pk},
    ),
    "evaluation:figure_rows": lambda s: {"pk": s.evaluation.evaluation.pk, "figure": "effective_hours"},
    "evaluation:self_evaluation": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:self_report_file": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:contest": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:score": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:assign": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:onsite": lambda s: {"pk": s.evaluation.evaluation.pk},
    "evaluation:contest_answer": lambda s: {"pk": s.evaluation.contest.pk},
    "evaluation:rectifications": _none,
    "evaluation:reallocation": _none,
    "api-evaluation-round-list": _none,
    "api-evaluation-round-detail": lambda s: {"pk": s.evaluation.published.pk},
    "api-evaluation-result-list": _none,
    "api-evaluation-result-detail": lambda s: {"pk": s.evaluation.published_evaluation.pk},
    "api-evaluation-score-list": _none,
    "api-evaluation-round-assign": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-round-start-scoring": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-round-close": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-round-publish": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-rectification-list": _none,
    "api-evaluation-rectification-close": lambda s: {"pk": s.evaluation.rectification.pk},
    "api-evaluation-round-subsidies": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-round-flags": lambda s: {"pk": s.evaluation.round.pk},
    "api-evaluation-scheme-list": _none,
    "api-evaluation-scheme-detail": (
        lambda s: {"pk": s.evaluation.scheme.pk},
        lambda s: {"pk": s.evaluation.draft.pk},
    ),
    "api-evaluation-scheme-copy": lambda s: {"pk": s.evaluation.scheme.pk},
    "api-evaluation-scheme-activate": lambda s: {"pk": s.evaluation.draft.pk},
    "api-evaluation-scheme-grades": lambda s: {"pk": s.evaluation.draft.pk},
    "api-evaluation-indicator-detail": lambda s: {"pk": s.evaluation.indicator.pk},
    "api-evaluation-unit-list": _none,
    "api-evaluation-unit-detail": (
        lambda s: {"pk": s.evaluation.evaluation.pk},
        lambda s: {"pk": s.evaluation.published_evaluation.pk},
    ),
    "api-evaluation-unit-self-evaluation": lambda s: {"pk": s.evaluation.evaluation.pk},
    "api-evaluation-unit-onsite": lambda s: {"pk": s.evaluation.evaluation.pk},
    "api-evaluation-contest-list": _none,
    "api-evaluation-contest-answer": lambda s: {"pk": s.evaluation.contest.pk},
    "evaluation:rectification_close": lambda s: {"pk": s.evaluation.rectification.pk},
    "evaluation:round_whatif": (
        lambda s: {"pk": s.evaluation.round.pk},
        lambda s: {"pk": s.evaluation.published.pk},
    ),
    "evaluation:unit_whatif": (
        lambda s: {"pk": s.evaluation.evaluation.pk},
        lambda s: {"pk": s.evaluation.published_evaluation.pk},
    ),
    "evaluation:instruments": _none,
    "evaluation:idle_instruments": _none,
    "api-exchange-key-list": _none,
    "api-exchange-key-detail": lambda s: {"pk": s.unit_key.pk},
    "api-exchange-key-revoke": lambda s: {"pk": s.unit_key.pk},
    "api-exchange-webhook-list": _none,
    "api-exchange-webhook-detail": lambda s: {"pk": s.webhook.pk},
    "api-exchange-webhook-disable": lambda s: {"pk": s.webhook.pk},
    "api-exchange-delivery-list": _none,
    "api-exchange-delivery-detail": lambda s: {"pk": s.webhook_delivery.pk},
    "api-exchange-unit-services-list": _none,
    "api-exchange-unit-usage": _none,
    "catalog:domestic": _none,
    "catalog:resources": _none,
    "api-resource-search": _none,
    "catalog:domestic_share": _none,
    "api-domestic-showcase": _none,
    "api-domestic-share": _none,
    "api-exchange-unit-instruments": _none,
}

# Query strings that make a read exercise more than its empty state.
QUERIES = {
    "api-search": "q=电镜",
    "catalog:search": "q=电镜",
    "api-booking-availability": "start={today}&end={week}",
    "booking:day_list": "date={today}",
    "api-usage-totals": "group_by=instrument",
    "catalog:domestic": "kind=original",
    "catalog:resources": "q=数据&kind=dataset",
    "api-resource-search": "q=数据",
    "resources:mine": "status=published",
}

# Not walked, with the reason.
SKIPPED_PREFIXES = (
    "admin/",  # Django's own admin: not our read paths, and staff-only
    "i18n/",  # set_language: Django's view, changes only the language cookie
    "media/",  # static file serving in DEBUG only
)


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    has_format: bool  # a DRF format-suffix twin (instruments.json)


def project_routes() -> list[Route]:
    """Every URL pattern of the project, with its full pattern text, walking includes recursively."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, pattern, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else pattern
                found.append(Route(name, pattern, "format" in entry.pattern.regex.groupindex))

    walk(get_resolver().url_patterns)
    return [route for route in found if not route.pattern.startswith(SKIPPED_PREFIXES)]


def query_for(name: str) -> str:
    today = timezone.localdate()
    template = QUERIES.get(name, "")
    return template.format(today=today.isoformat(), week=(today + dt.timedelta(days=7)).isoformat())
