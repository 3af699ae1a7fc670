"""Vouchers follow the charges: a bill spends the held voucher part, a cancelled service releases it, and a
service's page shows its voucher panel. Receivers only call ``services``."""

from yiqi.fees.signals import charge_billed
from yiqi.servicerecords import signals as records

from .services import payments, presenters


def spend(sender, charge, actor=None, **kwargs):
    payments.settle(charge, actor=actor)


def release(sender, record, actor=None, **kwargs):
    payments.release_for(record, actor=actor)


def panel(sender, record, user=None, **kwargs):
    return presenters.service_panel(record, user)


def connect() -> None:
    charge_billed.connect(spend, dispatch_uid="vouchers.spend")
    records.service_closed.connect(release, dispatch_uid="vouchers.release")
    records.service_panels.connect(panel, dispatch_uid="vouchers.panel")
