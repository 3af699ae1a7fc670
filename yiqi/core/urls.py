from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("workspace/", views.WorkspaceView.as_view(), name="workspace"),
]
