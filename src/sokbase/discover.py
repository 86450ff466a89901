"""Find the files under a corpus folder that sokbase can read."""
from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".txt", ".md", ".docx", ".odt"})


def find_files(root: Path) -> list[Path]:
    """Every supported file under `root`, sorted by path.

    Hidden files and folders are skipped, and so are `*.meta.toml` sidecars (not a supported
    suffix), and so are the `~$NAME.docx` lock files Word leaves beside a document it has open.
    Symlinked folders are never entered, so a link loop cannot hang the walk; a symlinked file
    counts only when it resolves to a file inside `root`.
    """
    root = Path(root)
    real_root = root.resolve()
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            path = Path(folder, name)
            if not name.startswith((".", "~$")) and path.suffix.lower() in SUPPORTED_SUFFIXES and _readable(path, real_root):
                found.append(path)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def _readable(path: Path, real_root: Path) -> bool:
    if not path.is_symlink():
        return path.is_file()
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling link or a loop of links
        logger.warning("Hopper over %s: lenken peker ikke på en fil", path)
        return False
    if not target.is_relative_to(real_root):
        logger.warning("Hopper over %s: lenken peker ut av katalogen", path)
        return False
    return target.is_file()
