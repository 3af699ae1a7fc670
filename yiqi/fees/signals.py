"""What happens to charges, for the layers above (usage) to act on. Senders are this app's services only; receivers
run inside the sender's transaction and only call their own app's services."""

from django.dispatch import Signal

# A service record's charge was billed (the service was delivered and priced). Arguments: charge, record, actor.
charge_billed = Signal()
