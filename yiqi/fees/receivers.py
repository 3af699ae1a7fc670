"""Fees follows the service records: a record quoted, completed or closed has its charge quoted, billed or voided,
and a service's page shows its charge. Receivers only call ``services``."""

from yiqi.servicerecords import signals as records

from . import services

# A resource's service (data, copy, sample; no instrument) has no instrument price list and is not charged here.


def quote(sender, record, **kwargs):
    if record.instrument_id is not None:
        services.quote(record)


def quote_opened(sender, records, member_category=None, **kwargs):
    services.quote_new(records, member_category=member_category)


def bill(sender, record, actor=None, **kwargs):
    if record.instrument_id is not None:
        services.bill(record, actor=actor)


def void(sender, record, actor=None, **kwargs):
    services.void_for(record, actor=actor)


def charge_panel(sender, record, user=None, **kwargs):
    return services.service_charge_panel(record) if record.instrument_id is not None else None


def connect() -> None:
    records.service_quoted.connect(quote, dispatch_uid="fees.quote")
    records.services_opened.connect(quote_opened, dispatch_uid="fees.quote_opened")
    records.service_completed.connect(bill, dispatch_uid="fees.bill")
    records.service_closed.connect(void, dispatch_uid="fees.void")
    records.service_panels.connect(charge_panel, dispatch_uid="fees.charge_panel")
