from django.urls import path

from . import views

app_name = "interlocks"

urlpatterns = [
    path("", views.InterlockListView.as_view(), name="list"),
    path("new/", views.FitInterlockView.as_view(), name="fit"),
    path("<int:pk>/", views.InterlockDetailView.as_view(), name="detail"),
    path("<int:pk>/settings/", views.InterlockSettingsView.as_view(), name="settings"),
    path("<int:pk>/enable/", views.EnableView.as_view(), name="enable"),
    path("<int:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path("<int:pk>/override/", views.OverrideView.as_view(), name="override"),
]
