"""sokbase: passage search over Norwegian policy texts.

    import sokbase
    with sokbase.open_index("index") as index:
        results = index.search("bostabilitet barnefamilier", kommune="Trondheim")
"""
from __future__ import annotations

from .whoosh_imports import import_whoosh

import_whoosh()  # before any module of the package imports Whoosh; see whoosh_imports

__version__ = "0.1.0"

__all__ = ["__version__", "open_index", "build_index"]


def open_index(path=None):
    """Open the index at `path` for searching: a folder (Whoosh) or a postgresql:// URL (default:
    $SOKBASE_INDEX or ./index)."""
    from .search import SearchIndex

    return SearchIndex.open(path)


def build_index(corpus, index_dir=None, **options):
    """Index every supported file under `corpus` into a new generation at `index_dir`."""
    from .indexer import build_index as build

    return build(corpus, index_dir, **options)
