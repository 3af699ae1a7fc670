from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView, View

from yiqi.accounts.access import access_for
from yiqi.core.storage import private_file_response

from .. import scoping, services, summaries
from ..deadlines import is_mandatory
from ..filters import InstrumentFilter
from ..forms import AttachmentForm, InstrumentForm, TransitionForm
from ..history import history_entries
from ..models import Instrument, InstrumentAttachment


def visible(request):
    return scoping.visible_instruments(access_for(request.user))


class InstrumentListView(ListView):
    template_name = "registry/instrument_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = InstrumentFilter(
            self.request.GET,
            queryset=visible(self.request).select_related("unit", "category"),
            request=self.request,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # An absurd or malformed page number shows the last/first page instead of a 404.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class VisibleInstrumentMixin:
    def get_queryset(self):
        return visible(self.request).select_related(
            "unit",
            "unit__supervising_department",
            "sub_unit",
            "category__parent__parent",
            "parent",
            "manager",
        )


class InstrumentSheetView(VisibleInstrumentMixin, DetailView):
    """A one-page printable sheet of the record."""

    template_name = "registry/instrument_sheet.html"


class InstrumentDetailView(VisibleInstrumentMixin, DetailView):
    template_name = "registry/instrument_detail.html"

    def get_queryset(self):
        # The booking panel reads the service settings (a row booking keeps beside the instrument): in this query.
        return super().get_queryset().select_related("service_settings")

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        instrument = self.object
        insider = scoping.can_see_history(access, instrument)
        return super().get_context_data(
            access_can_edit=scoping.can_edit(access, instrument),
            actions=services.available_actions(access, instrument),
            transition_form=TransitionForm(),
            attachment_form=AttachmentForm(),
            attachments=instrument.attachments.all(),
            events=services.MACHINE.history(instrument) if insider else [],
            history=history_entries(instrument, limit=50) if insider else [],
            # Called by the template, after the page's frame has read the deployment it needs.
            is_mandatory=partial(is_mandatory, instrument),
            **summaries.related_instruments(instrument),
            members=visible(self.request).filter(parent=instrument).select_related("unit", "category")[:100]
            if instrument.kind != Instrument.Kind.SINGLE_INSTRUMENT
            else [],
            **kwargs,
        )


class InstrumentFormMixin(LoginRequiredMixin):
    model = Instrument
    form_class = InstrumentForm
    template_name = "registry/instrument_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "access": access_for(self.request.user)}

    def form_valid(self, form):
        try:
            self.object = services.save_instrument(
                form.instance, access=access_for(self.request.user), user=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存“%(name)s”。") % {"name": self.object.name})
        return redirect("registry:instrument_detail", self.object.pk)


class InstrumentCreateView(InstrumentFormMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access_for(request.user).editor_unit_ids:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InstrumentUpdateView(InstrumentFormMixin, UpdateView):
    def get_object(self, queryset=None):
        instrument = get_object_or_404(visible(self.request), pk=self.kwargs["pk"])
        if not scoping.can_edit(access_for(self.request.user), instrument):
            raise PermissionDenied
        return instrument


class AttachmentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        instrument = get_object_or_404(visible(request), pk=pk)
        form = AttachmentForm(
            request.POST, request.FILES, instance=InstrumentAttachment(instrument=instrument)
        )
        if form.is_valid():
            try:
                services.add_attachment(form.instance, access=access_for(request.user), user=request.user)
                messages.success(request, _("附件已上传。"))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("registry:instrument_detail", pk)


class AttachmentFileView(View):
    """A photo or document, to whoever may see its instrument (others get a 404, as for the record itself)."""

    def get(self, request, pk, attachment_id):
        attachment = get_object_or_404(
            scoping.visible_attachments(access_for(request.user)), instrument_id=pk, pk=attachment_id
        )
        return private_file_response(
            attachment.file,
            content_type=attachment.content_type,
            filename=attachment.download_name,
            inline=attachment.shows_inline,
        )
