from django.urls import path

from .views import instruments, review, spreadsheets

app_name = "registry"

urlpatterns = [
    path("", instruments.InstrumentListView.as_view(), name="instrument_list"),
    path("new/", instruments.InstrumentCreateView.as_view(), name="instrument_create"),
    path("<int:pk>/", instruments.InstrumentDetailView.as_view(), name="instrument_detail"),
    path("<int:pk>/sheet/", instruments.InstrumentSheetView.as_view(), name="instrument_sheet"),
    path("<int:pk>/edit/", instruments.InstrumentUpdateView.as_view(), name="instrument_update"),
    path("<int:pk>/attachments/", instruments.AttachmentUploadView.as_view(), name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        instruments.AttachmentFileView.as_view(),
        name="attachment_file",
    ),
    path("<int:pk>/transition/", review.TransitionView.as_view(), name="instrument_transition"),
    path("review/", review.ReviewQueueView.as_view(), name="review_queue"),
    path("review/bulk/", review.BulkTransitionView.as_view(), name="review_bulk"),
    path("deadlines/", review.DeadlineView.as_view(), name="deadlines"),
    path("export.<str:fmt>", spreadsheets.ExportView.as_view(), name="export"),
    path("import/", spreadsheets.ImportUploadView.as_view(), name="import_upload"),
    path("import/template.xlsx", spreadsheets.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", spreadsheets.ImportStatusView.as_view(), name="import_status"),
]
