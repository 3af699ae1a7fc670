from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("rate/<int:pk>/", views.RateView.as_view(), name="rate"),
    path("ratings/", views.RatingListView.as_view(), name="rating_list"),
    path("ratings/<int:pk>/reply/", views.ReplyView.as_view(), name="rating_reply"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("complaints/<int:pk>/transition/", views.ComplaintStepView.as_view(), name="complaint_transition"),
]
