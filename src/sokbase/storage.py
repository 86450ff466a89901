"""Where an index lives on disk: numbered generations, a CURRENT pointer and a manifest.

index/
  CURRENT               name of the generation readers use, replaced atomically
  gen-000002/           Whoosh segment files + manifest.json
  gen-000003/

A build writes a new generation and only then points CURRENT at it, so readers always see
either the old or the new index, never one half-written.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import IndexMissingError, IndexOutdatedError
from .schema import FORMAT

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
_GENERATION = re.compile(r"^gen-(\d{6})$")
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still open on it


@dataclass
class Failure:
    source: str
    reason: str


@dataclass
class Manifest:
    format: str
    sokbase_version: str
    corpus: str
    created: str
    documents: int
    passages: int
    conferences: list[str] = field(default_factory=list)
    municipalities: dict[str, int] = field(default_factory=dict)  # "Oslo (0301)" → passages
    doc_types: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["failures"] = [Failure(**f) for f in data.get("failures", [])]
        return cls(**data)


def default_index_dir() -> Path:
    return Path(os.environ.get("SOKBASE_INDEX") or "index")


def current_generation(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(
            f"Fant ingen indeks i {index_dir}. Bygg den med `sokbase index KATALOG --index {index_dir}`."
        ) from None
    generation = index_dir / name
    if not _GENERATION.match(name) or not generation.is_dir():
        raise IndexMissingError(f"Indeksen i {index_dir} er ufullstendig. Bygg den på nytt med `sokbase index`.")
    return generation


def read_manifest(generation: Path) -> Manifest:
    try:
        manifest = Manifest.from_json((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as error:
        raise IndexOutdatedError(
            f"Indeksen i {generation.parent} mangler eller har en ugyldig {MANIFEST} ({error}). "
            "Bygg den på nytt med `sokbase index`."
        ) from None
    if manifest.format != FORMAT:
        raise IndexOutdatedError(
            f"Indeksen i {generation.parent} ble bygget av en annen versjon av sokbase "
            f"({manifest.format}, denne bruker {FORMAT}). Bygg den på nytt med `sokbase index`."
        )
    return manifest


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GENERATION.match(p.name))]
    generation = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    generation.mkdir()
    return generation


def write_manifest(generation: Path, manifest: Manifest) -> None:
    _write_atomically(generation / MANIFEST, manifest.to_json())


def publish(generation: Path) -> None:
    """Point readers at a finished generation, then remove generations no reader needs."""
    index_dir = generation.parent
    _write_atomically(index_dir / CURRENT, generation.name + "\n")
    _remove_old_generations(index_dir, keep=generation.name)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    generations = sorted(p for p in index_dir.iterdir() if _GENERATION.match(p.name) and p.is_dir())
    live = [p for p in generations if p.name <= keep]
    for stale in live[:-KEEP_GENERATIONS] + [p for p in generations if p.name > keep]:
        shutil.rmtree(stale, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
