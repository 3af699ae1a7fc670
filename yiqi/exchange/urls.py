from django.urls import path

from . import migration_views, system_views, views

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
    path("receive/", views.ReceivingEndpointView.as_view(), name="receive"),
    path("systems/", system_views.SystemsView.as_view(), name="systems"),
    path("systems/keys/", system_views.KeyCreateView.as_view(), name="key_create"),
    path("systems/keys/<int:pk>/revoke/", system_views.KeyRevokeView.as_view(), name="key_revoke"),
    path("systems/webhooks/", system_views.WebhookCreateView.as_view(), name="webhook_create"),
    path(
        "systems/webhooks/<int:pk>/disable/",
        system_views.WebhookDisableView.as_view(),
        name="webhook_disable",
    ),
]
