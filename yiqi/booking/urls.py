from django.urls import path, reverse_lazy
from django.utils.text import format_lazy
from django.views.generic import RedirectView

from .views import availability, bookings, credit, feeds, manage

app_name = "booking"

urlpatterns = [
    path("mine/", bookings.MyBookingsView.as_view(), name="mine"),
    path("queue/", bookings.QueueView.as_view(), name="queue"),
    path("credit/", credit.CreditView.as_view(), name="credit"),
    path("credit/appeals/", credit.AppealsView.as_view(), name="credit_appeals"),
    path("credit/overview/", credit.OverviewView.as_view(), name="credit_overview"),
    path(
        "credit/suspensions/<int:pk>/<slug:action>/",
        credit.SuspensionStepView.as_view(),
        name="suspension_action",
    ),
    path("<int:pk>/", bookings.BookingDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:action>/", bookings.BookingActionView.as_view(), name="action"),
    # Waitlist offers (notifications) link here.
    path(
        "waitlist/",
        RedirectView.as_view(url=format_lazy("{}#waitlist", reverse_lazy("booking:mine"))),
        name="waitlist",
    ),
    path(
        "waitlist/<int:pk>/accept/",
        bookings.WaitlistAnswerView.as_view(),
        {"answer": "accept"},
        name="waitlist_accept",
    ),
    path(
        "waitlist/<int:pk>/decline/",
        bookings.WaitlistAnswerView.as_view(),
        {"answer": "decline"},
        name="waitlist_decline",
    ),
    path("feeds/reset/", bookings.FeedResetView.as_view(), name="feed_reset"),
    path("feeds/<str:token>.ics", feeds.UserFeedView.as_view(), name="user_feed"),
    path("instruments/<int:instrument_id>/", availability.AvailabilityView.as_view(), name="availability"),
    path("instruments/<int:instrument_id>/day/", availability.DayListView.as_view(), name="day_list"),
    path(
        "instruments/<int:instrument_id>/waitlist/",
        availability.WaitlistJoinView.as_view(),
        name="waitlist_join",
    ),
    path(
        "instruments/<int:instrument_id>/calendar.ics",
        feeds.InstrumentFeedView.as_view(),
        name="instrument_feed",
    ),
    path("instruments/<int:instrument_id>/settings/", manage.SettingsView.as_view(), name="settings"),
    path(
        "instruments/<int:instrument_id>/settings/blackouts/<int:pk>/remove/",
        manage.BlackoutRemoveView.as_view(),
        name="blackout_remove",
    ),
    path(
        "instruments/<int:instrument_id>/settings/qualifications/<int:pk>/revoke/",
        manage.QualificationRevokeView.as_view(),
        name="qualification_revoke",
    ),
]
