from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("instruments/<int:pk>/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path(
        "instruments/<int:pk>/schedule/<int:item_pk>/", views.FeeItemEditView.as_view(), name="fee_item_edit"
    ),
    path(
        "instruments/<int:pk>/schedule/<int:item_pk>/active/",
        views.FeeItemActiveView.as_view(),
        name="fee_item_active",
    ),
    path("charges/<int:pk>/", views.ChargeDetailView.as_view(), name="charge_detail"),
    path("charges/<int:pk>/adjust/", views.ChargeAdjustView.as_view(), name="charge_adjust"),
    path(
        "charges/<int:pk>/adjustments/<int:adjustment_pk>/decide/",
        views.AdjustmentDecideView.as_view(),
        name="adjustment_decide",
    ),
    path("charges/<int:pk>/payment/", views.PaymentView.as_view(), name="charge_payment"),
    path("mine/", views.MyChargesView.as_view(), name="mine"),
    path("unit/", views.UnitChargesView.as_view(), name="unit"),
    path("statements/", views.StatementView.as_view(), name="statement"),
    path("statements/export.<str:fmt>", views.StatementExportView.as_view(), name="statement_export"),
]
