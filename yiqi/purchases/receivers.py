"""What purchase review answers the layers below: the yearly evaluation asks for the opening plans of instruments
bought through review, to check them. Receivers only call services."""

from django.dispatch import receiver

from yiqi.evaluation.signals import obligations_wanted

from . import services


@receiver(obligations_wanted, dispatch_uid="purchases.opening_obligations")
def opening_obligations(sender, *, unit_ids, **kwargs):
    return services.obligations_of_units(unit_ids)
