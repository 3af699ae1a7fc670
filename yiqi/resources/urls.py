from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/act/", views.ActView.as_view(), name="act"),
    path("<int:pk>/request/", views.RequestView.as_view(), name="request"),
    path("requests/", views.RequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/act/", views.RequestActView.as_view(), name="request_act"),
]
