"""API conventions shared by every app: pagination, error format, parsing JSON and times people send."""

import codecs
import json

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.views import exception_handler as drf_exception_handler

from .validators import JSON_TOO_DEEP, MAX_JSON_DEPTH, check_moment, json_depth_exceeds

# The refusals every write endpoint documents in the schema.
REFUSED = {
    400: OpenApiResponse(description="输入无效（字段级中文说明）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="记录不存在或不可见"),
}


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors raised by services turned into field-level 400s."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)


# --- JSON ---------------------------------------------------------------------------------------------------------


def _strict_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str | bytes):
    """Parse JSON text people send; ``ValueError`` (with a Chinese message) when it is not JSON or nests arrays and
    objects more than ``MAX_JSON_DEPTH`` deep. NaN and Infinity are not JSON."""
    try:
        data = json.loads(text, parse_constant=_strict_constant)
    except RecursionError:  # nested far deeper than the limit: the parser gave up before we could count
        data = None
        too_deep = True
    else:
        too_deep = json_depth_exceeds(data)
    if too_deep:
        raise ValueError(str(JSON_TOO_DEEP % {"limit": MAX_JSON_DEPTH}))
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit (``MAX_JSON_DEPTH``): a deeply nested body is a 400, never a
    ``RecursionError``. The default parser of every API view (``DEFAULT_PARSER_CLASSES``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return load_json(codecs.getreader(encoding)(stream).read())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(str(exc)) from exc


class BoundedJSONField(serializers.JSONField):
    """A JSON value inside a request (a form field holding JSON text too), with the same nesting limit."""

    def to_internal_value(self, data):
        if self.binary or getattr(data, "is_json_string", False):
            try:
                return load_json(data.decode() if isinstance(data, bytes) else data)
            except (TypeError, ValueError, UnicodeDecodeError):
                self.fail("invalid")
        if json_depth_exceeds(data):
            raise serializers.ValidationError(JSON_TOO_DEEP % {"limit": MAX_JSON_DEPTH})
        return super().to_internal_value(data)


# --- times --------------------------------------------------------------------------------------------------------


class MomentField(serializers.DateTimeField):
    """A time people send (ISO 8601) with the checks of ``check_moment``: a UTC offset within ±15:59 and a date
    between 1950 and ten years ahead, so it can be stored, compared and turned into calendar days without
    overflowing. Converted to the platform's zone as DRF does."""

    def enforce_timezone(self, value):
        try:
            check_moment(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return super().enforce_timezone(value)


class MomentFormField(IsoDateTimeField):
    """A query's ISO 8601 time (``?from=``), with the checks of ``check_moment``: a UTC offset the database can
    hold and a date in the sane range."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None:
            check_moment(moment)
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentFormField
