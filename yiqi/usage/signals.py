"""What usage tells the layers above it."""

from django.dispatch import Signal

# A usage record was written or changed (sent after commit): ``usage_record``. Monitoring fills its verified hours.
usage_recorded = Signal()
