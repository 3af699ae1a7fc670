from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from yiqi.accounts.access import access_for
from yiqi.registry import summaries
from yiqi.registry.models import InstrumentCategory


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=summaries.public_figures(),
            top_categories=InstrumentCategory.objects.filter(parent__isnull=True),
            **kwargs,
        )


class WorkspaceView(LoginRequiredMixin, TemplateView):
    template_name = "core/workspace.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        review = summaries.review_queue(access)
        return super().get_context_data(
            review_count=review.count(),
            review_items=review[:10],
            status_counts=summaries.status_counts(access) if access.staff_unit_ids else None,
            **summaries.deadline_lists(access, limit=10),
            **kwargs,
        )
