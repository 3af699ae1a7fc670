"""The catalogue's other kinds of S&T resources (science data, literature, reports, natural resources): how many
match the search words, by kind, each linking to the resource list with its own facets. The one place the
catalogue reads ``yiqi.resources``; the instrument search and its ranking do not change."""

from yiqi.resources.services import kind_counts


def other_resource_kinds(query: str) -> list[dict]:
    return kind_counts(query)
