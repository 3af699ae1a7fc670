"""What feedback tells the layers above it; they listen, feedback never writes their rows."""

from django.dispatch import Signal

# Sent inside the transaction that changed the ratings of these instruments (keyword ``instrument_ids``), so
# whatever a listener writes commits or rolls back with the rating.
ratings_changed = Signal()
