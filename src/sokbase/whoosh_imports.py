"""Import Whoosh without two modules it imports and never uses.

whoosh.compat imports urllib.request (http.client, email, ssl) for a `urlretrieve` no Whoosh code
calls, and whoosh.reading imports the `cached_property` backport, which imports asyncio, for one
property that `functools.cached_property` serves the same. Together they are about 50 ms of every
cold `sokbase search`, a sixth of its 0.30 s budget (issue 6). Stand-ins answer those two imports
while Whoosh's base modules load, and are removed right after, so anything else that imports
urllib.request or cached_property gets the real module.
"""
from __future__ import annotations

import functools
import sys
import types


def _stand_in(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name, "sokbase: stands in while Whoosh is imported")
    module.__dict__.update(attributes)
    return module


def _urlretrieve(*args, **kwargs):
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def import_whoosh() -> None:
    if "whoosh.reading" in sys.modules:
        return
    stand_ins = {
        "urllib.request": _stand_in("urllib.request", urlretrieve=_urlretrieve),
        "cached_property": _stand_in("cached_property", cached_property=functools.cached_property),
    }
    installed = [name for name in stand_ins if name not in sys.modules]
    for name in installed:
        sys.modules[name] = stand_ins[name]
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name in installed:
            if sys.modules.get(name) is stand_ins[name]:
                del sys.modules[name]
