from django.contrib.auth import views as auth_views
from django.urls import path

from . import national_views, onboarding_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("members/", views.MembersView.as_view(), name="members"),
    path(
        "members/invitations/<int:pk>/revoke/", views.InvitationRevokeView.as_view(), name="invitation_revoke"
    ),
    path("members/requests/<int:pk>/", views.JoinRequestDecideView.as_view(), name="join_request_decide"),
    path("members/requests/bulk/", views.JoinRequestBulkView.as_view(), name="join_request_bulk"),
    path("setup/", onboarding_views.SetupView.as_view(), name="setup"),
    path("setup/template.xlsx", onboarding_views.SetupTemplateView.as_view(), name="setup_template"),
    path("setup/regions/new/", onboarding_views.RegionCreateView.as_view(), name="setup_region"),
    path("setup/departments/new/", onboarding_views.DepartmentCreateView.as_view(), name="setup_department"),
    path("setup/units/new/", onboarding_views.UnitCreateView.as_view(), name="setup_unit"),
    path("national/login/", national_views.NationalLoginView.as_view(), name="national_login"),
    path("national/return/", national_views.NationalReturnView.as_view(), name="national_return"),
    path("national/confirm/", national_views.NationalConfirmView.as_view(), name="national_confirm"),
    path("national/unlink/", national_views.NationalUnlinkView.as_view(), name="national_unlink"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
