"""What the evaluation asks the layers above it.

``obligations_wanted(sender=Obligation, unit_ids=[...])`` is sent while a period's figures are computed; the apps
that record promises about single instruments (purchase review: the opening plan of an instrument bought through
review) answer with a list of ``Obligation`` of those units' instruments, read in one query. The evaluation checks
them against the registry and the usage records (``services.obligations``).
"""

from dataclasses import dataclass

from django.dispatch import Signal

obligations_wanted = Signal()


@dataclass(frozen=True)
class Obligation:
    instrument_id: int
    reference: str  # the record the promise was made in, e.g. a purchase application's number
    sharing_mode: str  # the promised ``Instrument.SharingMode``
    hours_offered: int  # machine-hours a year promised to outside users
