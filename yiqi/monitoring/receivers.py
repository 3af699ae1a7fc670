"""What monitoring does when usage writes a record: fill its telemetry-verified hours. Receivers only call services."""

from django.dispatch import receiver

from yiqi.usage.signals import usage_recorded

from . import rollup


@receiver(usage_recorded, dispatch_uid="monitoring.verify_usage_record")
def verify_usage_records(sender, *, usage_records, **kwargs):
    rollup.verify_records(usage_records)
