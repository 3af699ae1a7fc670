"""What page views share, whatever their app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


class ActionMessagesMixin:
    """A posted step's answer: the success or the refusal as a message on the page it redirects to."""

    def done(self, message: str, to: str, *args):
        messages.success(self.request, message)
        return redirect(to, *args)

    def refused(self, error: ValidationError, to: str, *args):
        messages.error(self.request, " ".join(error.messages))
        return redirect(to, *args)
