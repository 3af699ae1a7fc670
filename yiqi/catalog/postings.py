"""Reading and packing postings: packed per-term blocks from the last full build, plus delta rows."""

import sys
from array import array
from itertools import groupby
from operator import itemgetter

import numpy as np
from django.db import connection

from .models import PostingBlock, SearchPosting

LITTLE_ENDIAN = sys.byteorder == "little"


def pack(typecode: str, values) -> bytes:
    packed = array(typecode, values)
    if not LITTLE_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def unpack(typecode: str, data) -> array:
    values = array(typecode)
    values.frombytes(bytes(data or b""))
    if not LITTLE_ENDIAN:
        values.byteswap()
    return values


def pack_forward(terms: dict[int, int]) -> bytes:
    """A document's own postings: int32 term ids, then int16 weights."""
    ordered = sorted(terms.items())
    return pack("i", [t for t, _ in ordered]) + pack("h", [w for _, w in ordered])


def unpack_forward(data) -> dict[int, int]:
    raw = bytes(data or b"")
    count = len(raw) // 6
    return dict(zip(unpack("i", raw[: 4 * count]), unpack("h", raw[4 * count :]), strict=True))


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def read_postings(term_ids: list[int], dirty: set[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``term → (documents, weights)`` as int64 arrays: block entries of clean documents, then delta rows."""
    empty = np.empty(0, dtype=np.int64)
    postings: dict[int, tuple[np.ndarray, np.ndarray]] = {t: (empty, empty) for t in term_ids}
    if not term_ids:
        return postings
    blocks = connection.ops.quote_name(PostingBlock._meta.db_table)
    delta = connection.ops.quote_name(SearchPosting._meta.db_table)
    dirty_docs = np.fromiter(dirty, dtype=np.int64, count=len(dirty)) if dirty else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, docs, weights FROM {blocks} WHERE term IN ({_placeholders(term_ids)})", term_ids
        )
        for term, docs, weights in cursor.fetchall():
            docs = np.frombuffer(bytes(docs), dtype="<i8").astype(np.int64)
            weights = np.frombuffer(bytes(weights), dtype="<i2").astype(np.int64)
            if dirty_docs is not None:
                clean = ~np.isin(docs, dirty_docs)
                docs, weights = docs[clean], weights[clean]
            postings[term] = (docs, weights)
        cursor.execute(
            f"SELECT term, doc, weight FROM {delta} WHERE term IN ({_placeholders(term_ids)}) ORDER BY term, doc",
            term_ids,
        )
        for term, group in groupby(cursor.fetchall(), key=itemgetter(0)):
            rows = np.array([(doc, weight) for _, doc, weight in group], dtype=np.int64).reshape(-1, 2)
            docs, weights = postings[term]
            postings[term] = (np.concatenate([docs, rows[:, 0]]), np.concatenate([weights, rows[:, 1]]))
    return postings
