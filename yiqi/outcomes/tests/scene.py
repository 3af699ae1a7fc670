"""Unit A's results of use for the route walks (read_routes, the access matrix): a paper the unit recorded and a
company's acknowledgement of a paper from its completed service, waiting for the unit."""

from types import SimpleNamespace

from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.outcomes import services

from .factories import OutcomeFactory


def outcome_scene(*, unit, instrument, user, record) -> SimpleNamespace:
    recorded = OutcomeFactory(unit=unit, title="A单位登记的论文", instruments=[instrument])
    acknowledgement = services.acknowledge(
        access_for(user),
        user=user,
        record_id=record.pk,
        title="用户致谢A单位仪器的论文",
        doi="10.1000/scene.ack",
        journal="材料导报",
        date=timezone.localdate(),
    )
    return SimpleNamespace(recorded=recorded, acknowledgement=acknowledgement)
