from django.urls import path

from . import views

app_name = "alliances"

urlpatterns = [
    path("", views.ListView.as_view(), name="list"),
    path("new/", views.FormView.as_view(), name="create"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/terms/", views.TermsView.as_view(), name="terms"),
    path("<int:pk>/join/", views.JoinView.as_view(), name="join"),
    path("<int:pk>/invite/", views.InviteView.as_view(), name="invite"),
    path("memberships/<int:pk>/act/", views.MembershipActView.as_view(), name="membership_act"),
]
