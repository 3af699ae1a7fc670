from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("instruments/<int:pk>/", views.TimelineView.as_view(), name="timeline"),
    path("items/", views.ItemListView.as_view(), name="items"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
]
