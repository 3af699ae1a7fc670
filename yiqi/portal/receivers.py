"""Where the portal joins apps that may not know each other: the demand database's unmet needs go into the evidence
of a planned purchase (purchases and demands are independent layers)."""

from django.dispatch import receiver

from yiqi.demands import services as demands
from yiqi.purchases.models import PurchaseApplication
from yiqi.purchases.signals import evidence_requested


@receiver(evidence_requested, sender=PurchaseApplication, dispatch_uid="portal_unmet_needs_in_evidence")
def unmet_needs_in_evidence(sender, application, **kwargs) -> dict:
    return {
        "unmet_needs": demands.unmet_needs_for(
            category_code=application.category.code, region=application.unit.region_id or ""
        )
    }
