from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("workspace/", views.WorkspaceView.as_view(), name="workspace"),
    path("workspace/read-log/", views.ReadLogView.as_view(), name="read_log"),
    path("organizations/", views.UnitListView.as_view(), name="unit_list"),
    path("organizations/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
]
