"""The national classification tree, shipped as data in ``data/instrument-categories.json``."""

import json
from functools import cache
from pathlib import Path

CATEGORY_FILE = Path(__file__).parent / "data" / "instrument-categories.json"


def iter_category_tree(path: Path = CATEGORY_FILE):
    """Yield (code, name, parent_code) parents first."""

    def walk(nodes, parent):
        for node in nodes:
            # The bare class "other" (990000) repeats its own code at the lower levels: one node suffices.
            if node["code"] != parent:
                yield node["code"], node["name"], parent
            yield from walk(node.get("children", []), node["code"])

    yield from walk(json.loads(path.read_text(encoding="utf-8")), None)


def sync_categories(category_model, path: Path = CATEGORY_FILE) -> int:
    """Insert or rename categories from the data file; returns how many rows it wrote. Never deletes."""
    existing = {c.code: c for c in category_model.objects.all()}
    written = 0
    for code, name, parent in iter_category_tree(path):
        row = existing.get(code)
        if row is None:
            category_model.objects.create(code=code, name=name, parent_id=parent)
            written += 1
        elif row.name != name or row.parent_id != parent:
            row.name, row.parent_id = name, parent
            row.save(update_fields=["name", "parent"])
            written += 1
    return written


@cache
def leaf_codes() -> frozenset[str]:
    codes = list(iter_category_tree())
    parents = {parent for _, _, parent in codes if parent}
    return frozenset(code for code, _, _ in codes if code not in parents)
