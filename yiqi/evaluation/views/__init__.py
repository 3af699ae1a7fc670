"""Evaluation pages: the authority's (schemes, rounds, subsidies, rectifications) in ``authority``; units', experts'
and the public's in ``units``. Views only call ``services``."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import View

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.core.views import ActionMessagesMixin

from ..services.schemes import is_authority


class EvaluationView(AccessMixin, ActionMessagesMixin, LoginRequiredMixin, View):
    pass


class AuthorityView(EvaluationView):
    """Pages of the platform authority, which runs the evaluation."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_authority(access_for(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
