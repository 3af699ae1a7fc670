from django.urls import path

from . import views

app_name = "usage"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("overdue-checkouts/", views.OverdueCheckoutsView.as_view(), name="overdue_checkouts"),
    path("records/export.csv", views.RecordExportView.as_view(), name="record_export"),
    path("records/new/", views.ManualRecordFormView.as_view(), name="record_create"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/edit/", views.ManualRecordFormView.as_view(), name="record_update"),
    path("records/<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record_delete"),
    path("records/<int:pk>/evidence/", views.EvidenceView.as_view(), name="record_evidence"),
]
