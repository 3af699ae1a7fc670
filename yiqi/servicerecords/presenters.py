"""Plain data about service records for pages, including the parts other layers add to a service's page."""

from dataclasses import dataclass, field

from . import signals
from .models import ServiceRecord


@dataclass(frozen=True)
class ServicePanel:
    """One part of a service's page contributed by a layer above (e.g. fees: the bill; feedback: the rating)."""

    template: str  # rendered with ``panel`` = ``context``
    context: dict = field(default_factory=dict)
    position: int = 50  # lower first


def panels_for(record: ServiceRecord, user) -> list[ServicePanel]:
    """The parts the layers above add to ``record``'s page, as ``user`` may see them."""
    answers = signals.service_panels.send(sender=ServiceRecord, record=record, user=user)
    return sorted((panel for _receiver, panel in answers if panel is not None), key=lambda p: p.position)
