"""Unit A's census return for the route walks (read_routes, the access matrix): an open census of last year with
one pre-filled line for the published instrument."""

from types import SimpleNamespace

from .factories import open_census


def census_scene(*, unit) -> SimpleNamespace:
    census = open_census(unit)
    census_return = census.returns.get()
    return SimpleNamespace(census=census, census_return=census_return, line=census_return.lines.first())
