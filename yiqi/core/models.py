from django.db import models


class DailySequence(models.Model):
    """The last number handed out under a prefix such as ``WT20261122`` (document code + local date)."""

    prefix = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"
