"""int4[], float4[] and text[] in PostgreSQL's binary format, for the indexer's COPY.

psycopg dumps a list element by element in Python (about 26 µs for a passage's array of 60 terms);
here the numbers are laid out by the `array` module in one pass (3 µs). Every passage carries eight
such arrays, so psycopg's way was the largest part of the indexing process's own work: building
84,000 passages spent a third of the writer's CPU in it.

The layout is array_send's: dimensions, flags (0: no NULLs), the element type's oid, each
dimension's length and lower bound (1), then each element as its byte length and its bytes.
"""
from __future__ import annotations

import struct
import sys
from array import array

from psycopg.adapt import Dumper
from psycopg.pq import Format

INT4, FLOAT4, TEXT = 23, 700, 25
INT4_ARRAY, FLOAT4_ARRAY, TEXT_ARRAY = 1007, 1021, 1009

_HEADER = struct.Struct(">iiiii")
_EMPTY = struct.Struct(">iii")
_LENGTH = struct.Struct(">i").pack
_SWAP = sys.byteorder == "little"


def _fixed_width(values, typecode: str, oid: int) -> bytes:
    count = len(values)
    if not count:
        return _EMPTY.pack(0, 0, oid)
    items = array(typecode, values)
    if typecode != "i":  # lay a float4 out as the int32 of its bits, to interleave it with the lengths
        items = array("i", items.tobytes())
    laid_out = array("i", [4]) * (2 * count)
    laid_out[1::2] = items
    if _SWAP:
        laid_out.byteswap()
    return _HEADER.pack(1, 0, oid, count, 1) + laid_out.tobytes()


def int4_array(values) -> bytes:
    return _fixed_width(values, "i", INT4)


def float4_array(values) -> bytes:
    return _fixed_width(values, "f", FLOAT4)


def text_array(values) -> bytes:
    if not values:
        return _EMPTY.pack(0, 0, TEXT)
    encoded = [value.encode() for value in values]
    return _HEADER.pack(1, 0, TEXT, len(encoded), 1) + b"".join([_LENGTH(len(e)) + e for e in encoded])


class _ArrayDumper(Dumper):
    format = Format.BINARY


class Int4ArrayDumper(_ArrayDumper):
    oid = INT4_ARRAY

    def dump(self, obj) -> bytes:
        return int4_array(obj)


class Float4ArrayDumper(_ArrayDumper):
    oid = FLOAT4_ARRAY

    def dump(self, obj) -> bytes:
        return float4_array(obj)


class TextArrayDumper(_ArrayDumper):
    oid = TEXT_ARRAY

    def dump(self, obj) -> bytes:
        return text_array(obj)


def use_for_copy(context) -> None:
    """Dump these array types with the functions above where a COPY names them (`Copy.set_types`);
    `context` is a connection or cursor. Registered by oid only: queries keep psycopg's dumpers."""
    for dumper in (Int4ArrayDumper, Float4ArrayDumper, TextArrayDumper):
        context.adapters.register_dumper(None, dumper)
