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
    """Open the index at `path` (default: $SOKBASE_INDEX or ./index) for searching."""
    from .engines.location import location_of
    from .search import SearchIndex

    location = location_of(path)
    if location.is_postgres:
        from .errors import SokbaseError

        raise SokbaseError(f"Søk i en PostgreSQL-indeks ({location}) kommer i en senere versjon; "
                           "indeksering og `sokbase stats` virker allerede.")
    return SearchIndex.open(location.path)


def build_index(corpus, index_dir=None, **options):
    """Index every supported file under `corpus` into a new generation at `index_dir`."""
    from .indexer import build_index as build

    return build(corpus, index_dir, **options)
