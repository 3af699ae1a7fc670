"""What purchase review tells the layers above it.

``evidence_requested(sender=PurchaseApplication, application=...)`` is sent while the evidence of a submitted
application is built; a receiver answers with a dict of further findings, saved with the evidence (the demand
database answers ``{"unmet_needs": [...]}``: documented needs the planned instrument would serve).
"""

from django.dispatch import Signal

evidence_requested = Signal()
