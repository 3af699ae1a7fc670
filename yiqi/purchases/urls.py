from django.urls import path

from . import views

app_name = "purchases"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("record/", views.RecordView.as_view(), name="record"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/act/", views.ActView.as_view(), name="act"),
    path("<int:pk>/print/", views.PrintView.as_view(), name="print"),
]
