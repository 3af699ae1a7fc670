from django.urls import path

from . import migration_views, views

app_name = "exchange"

urlpatterns = [
    path("", views.RecordListView.as_view(), name="record_list"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/resubmit/", views.ResubmitView.as_view(), name="record_resubmit"),
    path("confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("rebuild/", views.RebuildView.as_view(), name="rebuild"),
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    path("jobs/start/", views.JobStartView.as_view(), name="job_start"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("fake-national/", views.FakeNationalEndpointView.as_view(), name="fake_endpoint"),
    path("migration/", migration_views.MigrationView.as_view(), name="migration"),
]
