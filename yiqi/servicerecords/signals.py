"""What happens to service records, for the layers above (fees, usage, vouchers, reporting) to act on.

Senders are this app's services only. Receivers run inside the sender's transaction, so a failing receiver undoes
the step; they call their own app's services and hold no rules themselves.
"""

from django.dispatch import Signal

# A record was opened or its planned quantities changed (a booking requested, an order quoted): price it.
# Arguments: record.
service_quoted = Signal()

# New records were opened together with their quantities known (a booking, a weekly series): price them all at
# once. Arguments: records, member_category (the alliance member price category the sender read, or None: look it
# up).
services_opened = Signal()

# The service was delivered: record.started_at/ended_at/hours/sample_count hold what was done. Arguments: record,
# actor.
service_completed = Signal()

# The service will not happen (cancelled, rejected, missed). Arguments: record, actor.
service_closed = Signal()

# A kind's page for one service is being shown: layers above may add a part to it (the charge, the rating).
# Arguments: record, user. Receivers return a ``presenters.ServicePanel`` or None; see ``presenters.panels_for``.
service_panels = Signal()
