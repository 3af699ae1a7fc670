from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("new/<int:instrument_id>/", views.OrderCreateView.as_view(), name="create"),
    path("mine/", views.MyOrdersView.as_view(), name="mine"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    path("<int:pk>/action/", views.OrderActionView.as_view(), name="action"),
    path("<int:pk>/staff/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/results/", views.ResultUploadView.as_view(), name="upload_results"),
    path("<int:pk>/results/<int:result_id>/", views.ResultDownloadView.as_view(), name="download_result"),
    path("<int:pk>/results/<int:result_id>/delete/", views.ResultDeleteView.as_view(), name="delete_result"),
    path("instruments/<int:instrument_id>/fields/", views.FormFieldListView.as_view(), name="form_fields"),
    path(
        "instruments/<int:instrument_id>/fields/<int:field_id>/",
        views.FormFieldEditView.as_view(),
        name="form_field_edit",
    ),
    path(
        "instruments/<int:instrument_id>/fields/<int:field_id>/delete/",
        views.FormFieldDeleteView.as_view(),
        name="form_field_delete",
    ),
    path(
        "instruments/<int:instrument_id>/fields/<int:field_id>/move/",
        views.FormFieldMoveView.as_view(),
        name="form_field_move",
    ),
]
