from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeView.as_view(), name="programme"),
    path("programmes/<int:pk>/export.xlsx", views.ProgrammeExportView.as_view(), name="programme_export"),
    path("programmes/<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("programmes/<int:pk>/register/", views.ProviderRegisterView.as_view(), name="provider_register"),
    path("applications/<int:pk>/decide/", views.ApplicationDecideView.as_view(), name="application_decide"),
    path("accounts/<int:pk>/clawback/", views.ClawbackView.as_view(), name="clawback"),
    path("providers/<int:pk>/decide/", views.ProviderDecideView.as_view(), name="provider_decide"),
    path("providers/<int:pk>/licence/", views.ProviderLicenceView.as_view(), name="provider_licence"),
    path("services/<int:pk>/pay/", views.PayView.as_view(), name="pay"),
    path("payments/<int:pk>/refund/", views.RefundView.as_view(), name="refund"),
    path("payments/<int:pk>/claim/", views.ClaimCreateView.as_view(), name="claim_create"),
    path("claims/<int:pk>/decide/", views.ClaimDecideView.as_view(), name="claim_decide"),
    path("claims/<int:pk>/<str:which>/", views.ClaimFileView.as_view(), name="claim_file"),
    path("batches/<int:pk>/", views.BatchView.as_view(), name="batch"),
]
