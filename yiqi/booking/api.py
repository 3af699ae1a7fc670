"""REST endpoints (``/api/v1/``)."""

urlpatterns = []


def register_routes(router):
    pass
