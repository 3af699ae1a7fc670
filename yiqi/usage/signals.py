"""What usage tells the layers above it."""

from django.dispatch import Signal

# Usage records were written or changed (sent once after the commit): ``usage_records``, a list. Monitoring fills
# their verified hours.
usage_recorded = Signal()
