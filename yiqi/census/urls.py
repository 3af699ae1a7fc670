from django.urls import path

from . import result_views, views

app_name = "census"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("open/", views.OpenView.as_view(), name="open"),
    path("<int:pk>/", views.CensusView.as_view(), name="detail"),
    path("<int:pk>/chase/", views.ChaseView.as_view(), name="chase"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/marks/", result_views.MarksView.as_view(), name="marks"),
    path("results/", result_views.ResultsListView.as_view(), name="results"),
    path("results/<int:year>/", result_views.ResultsView.as_view(), name="results_year"),
    path("returns/<int:pk>/", views.ReturnView.as_view(), name="return"),
    path("returns/<int:pk>/figures/", views.FiguresView.as_view(), name="figures"),
    path("returns/<int:pk>/lines/new/", views.LineView.as_view(), name="line_add"),
    path("returns/<int:pk>/resources/new/", views.ResourceLineView.as_view(), name="resource_line_add"),
    path("returns/<int:pk>/select/", views.SelectView.as_view(), name="select"),
    path("returns/<int:pk>/act/", views.ActView.as_view(), name="act"),
    path("lines/<int:pk>/", views.LineView.as_view(), name="line"),
    path("resource-lines/<int:pk>/", views.ResourceLineView.as_view(), name="resource_line"),
]
