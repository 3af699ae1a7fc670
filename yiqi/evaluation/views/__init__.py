"""Evaluation pages: the authority's (schemes, rounds, subsidies, rectifications) in ``authority``; units', experts'
and the public's in ``units``. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views import View

from yiqi.accounts.access import access_for

from ..services.schemes import is_authority


class EvaluationView(LoginRequiredMixin, View):
    @property
    def access(self):
        return access_for(self.request.user)

    def done(self, message: str, to: str, *args):
        messages.success(self.request, message)
        return redirect(to, *args)

    def refused(self, error: ValidationError, to: str, *args):
        messages.error(self.request, " ".join(error.messages))
        return redirect(to, *args)


class AuthorityView(EvaluationView):
    """Pages of the platform authority, which runs the evaluation."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_authority(access_for(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
