"""API conventions shared by every app: pagination, error format and the caller's access."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from yiqi.accounts.access import access_for


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AccessMixin:
    """The caller's ``Access`` as ``self.access``, also handed to serializers in their context."""

    @property
    def access(self):
        return access_for(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": self.access}


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors raised by services turned into field-level 400s."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import serializers

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)
