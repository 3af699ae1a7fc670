from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.DeleteView.as_view(), name="delete"),
    path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
]
