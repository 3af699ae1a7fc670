"""Signals the registry sends for writes that bypass model signals."""

from django.dispatch import Signal

# Sent after a bulk write (spreadsheet import) has committed, with ``ids``: the instruments created or updated.
instruments_bulk_changed = Signal()
