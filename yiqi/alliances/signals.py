"""What alliances tell the apps above them.

``terms_checked``: sent before terms take effect for some units (``alliance``, ``unit_ids``, ``priority_days``,
``member_category``); a receiver that finds an instrument whose own settings contradict them raises
``ValidationError`` and nothing is saved.
``figures_requested``: sent by the alliance page (``alliance``, ``unit_ids``, ``year``); receivers return the
services between members as a dict of figures.
"""

from django.dispatch import Signal

terms_checked = Signal()
figures_requested = Signal()
