"""API permissions made from an access rule (``accounts.access``)."""

from collections.abc import Callable

from rest_framework.permissions import BasePermission

from .access import Access, access_for


def permission_for(rule: Callable[[Access], bool]) -> type[BasePermission]:
    """An API permission granting what ``rule`` allows the caller, checked before the request body is read (so a
    refused caller learns nothing from validation messages)."""

    class Allowed(BasePermission):
        def has_permission(self, request, view):
            return rule(access_for(request.user))

    name = "".join(part.title() for part in rule.__name__.split("_"))
    Allowed.__name__ = Allowed.__qualname__ = f"Allowed{name}"
    Allowed.__module__ = rule.__module__
    return Allowed
