"""Signals the resources send, for the layers above (the catalogue indexes what is published)."""

from django.dispatch import Signal

# Sent on commit after a registration step published a record or took it out of the public view, with
# ``ids``: the resources whose public state changed (published, or withdrawn / no longer published).
resources_published_changed = Signal()
