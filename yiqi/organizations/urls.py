from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit_list"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
]
