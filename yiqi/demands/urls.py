from django.urls import path

from . import views

app_name = "demands"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("unmet/", views.UnmetView.as_view(), name="unmet"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/act/", views.ActView.as_view(), name="act"),
    path("<int:pk>/order/<int:match>/", views.OrderView.as_view(), name="order"),
]
