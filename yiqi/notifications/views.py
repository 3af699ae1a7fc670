from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import ListView

from .services import mark_read


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    paginate_by = 30

    def get_queryset(self):
        return self.request.user.notifications.all()

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        mark_read(request.user, ids or None)
        return redirect("notifications:inbox")
