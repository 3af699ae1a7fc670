from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.CatalogSearchView.as_view(), name="search"),
    path("resources/", views.ResourceCatalogView.as_view(), name="resources"),
    path("domestic/", views.DomesticShowcaseView.as_view(), name="domestic"),
    path("domestic/share/", views.DomesticShareView.as_view(), name="domestic_share"),
]
