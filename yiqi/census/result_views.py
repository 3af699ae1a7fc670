"""The published census results (public) and the authority's commendations and notices. Views only call
``results``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.core.forms import add_errors

from . import results
from .forms import MarkForm
from .models import Census
from .views import CensusPage

MAX_YEAR = 9999


class ResultsListView(View):
    """Every census whose results the authority published (anyone)."""

    def get(self, request):
        return render(request, "census/results_list.html", {"censuses": results.published_censuses()})


class ResultsView(View):
    """One published census's figures (anyone); 404 until published."""

    def get(self, request, year):
        if year > MAX_YEAR:  # the year column is small: a longer number is no census, not a database error
            raise Http404
        census = get_object_or_404(results.published_censuses(), year=year)
        return render(request, "census/results.html", {"census": census, "results": results.results(census)})


class MarksView(CensusPage):
    """The authority commends units or gives them notice from a closed census."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.is_platform_admin:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def show(self, census, form):
        return render(
            self.request,
            "census/marks.html",
            {
                "census": census,
                "form": form,
                "candidates": results.candidates(census),
                "marks": results.marks(census),
            },
        )

    def form(self, census, data=None):
        units = [snapshot.unit for snapshot in census.snapshots.select_related("unit").order_by("unit__name")]
        return MarkForm(data, units=units)

    def get(self, request, pk):
        census = get_object_or_404(Census, pk=pk)
        return self.show(census, self.form(census))

    def post(self, request, pk):
        census = get_object_or_404(Census, pk=pk)
        form = self.form(census, request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                results.mark(
                    census, unit_id=data["unit"], kind=data["kind"], reason=data["reason"],
                    access=self.access, actor=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("已通报，单位已收到通知。"))
                return redirect("census:marks", pk)
        return self.show(census, form)
