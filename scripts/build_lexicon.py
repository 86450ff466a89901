"""Build src/sokbase/data/lexicon.txt.gz, stem-exceptions.txt and nynorsk.txt from Norsk ordbank's lemma lists (../shared/data/lexicon/ordbank).

Each line is "lemma<TAB>stem" (stem left empty when Snowball leaves the lemma unchanged), for the
single-word, all-letter lemmas of bokmål and nynorsk. The compound splitter looks up modifiers as
lemmas and heads as stems. stem-exceptions.txt lists the nouns in -er whose -er Snowball strips
in the indefinite form only (sommer → somm, but sommeren → sommer): the stemmer keeps them whole.
Precomputing the stems keeps index-time loading to a read, not 200,000 Snowball calls.
nynorsk.txt maps nynorsk stems to the bokmål words they mean (see nynorsk_map.py); a search reads
it, so it holds only what the analyzer needs.

    .venv/bin/python scripts/build_lexicon.py [ORDBANK_DIR]
"""
from __future__ import annotations

import functools
import gzip
import re
import sys
from pathlib import Path

import snowballstemmer

import nynorsk_map
from sokbase.lexicon import Stemmer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "lexicon" / "ordbank"
DATA = ROOT / "src" / "sokbase" / "data"
TARGET = DATA / "lexicon.txt.gz"
EXCEPTIONS = DATA / "stem-exceptions.txt"
NYNORSK = DATA / "nynorsk.txt"
_WORD = re.compile(r"^[a-zæøåéèêóòôü]{2,}$")


def lemmas(source: Path, names: tuple[str, ...] = ("nob-lemmas.txt", "nno-lemmas.txt"), shortest: int = 3) -> list[str]:
    words: set[str] = set()
    for name in names:
        for line in (source / name).read_text(encoding="utf-8").splitlines():
            word = line.strip()
            # Capitalised lemmas are proper names; the splitter wants common words.
            if _WORD.match(word) and len(word) >= shortest:
                words.add(word)
    return sorted(words)


def er_exceptions(stems: dict[str, str]) -> list[str]:
    """Lemmas in -er that Snowball cuts to a non-word (sommer → somm), unlike plurals of a shorter
    lemma (planer → plan) or agent nouns of a verb (bruker → bruke), which must stay merged."""
    return [
        word
        for word, stem in stems.items()
        if word.endswith("er") and stem == word[:-2] and word[:-2] not in stems and word[:-1] not in stems
    ]


def main(source: Path = DEFAULT_SOURCE) -> None:
    stemmer = snowballstemmer.stemmer("norwegian")
    stems = {word: stemmer.stemWord(word) for word in lemmas(source)}
    lines = [f"{word}\t{stem if stem != word else ''}" for word, stem in stems.items()]
    EXCEPTIONS.write_text("\n".join(er_exceptions(stems)) + "\n", encoding="utf-8")
    with gzip.open(TARGET, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"{len(lines)} lemmas → {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size // 1024} KiB)")
    build_nynorsk(source)


def build_nynorsk(source: Path) -> None:
    """The nynorsk → bokmål map, with the stems of the analyzer as it is built from the files above."""
    nynorsk = frozenset(lemmas(source, ("nno-lemmas.txt",), shortest=2))  # og, bu, eg are words too
    bokmål = frozenset(lemmas(source, ("nob-lemmas.txt",), shortest=2))
    stem = functools.lru_cache(maxsize=None)(Stemmer(nynorsk=False).bokmål_stem)
    pairs = nynorsk_map.lemma_pairs(nynorsk, bokmål)
    result = nynorsk_map.entries(pairs, nynorsk, bokmål, stem)
    nynorsk_map.keep_bokmål_intact(result, bokmål, stem)
    nynorsk_map.leave_out_compounds(result, stem)
    NYNORSK.write_text(nynorsk_map.render(result), encoding="utf-8")
    dropped = ", ".join(f"{len(keys)} {reason}" for reason, keys in result.dropped.items())
    print(f"{len(pairs)} nynorsk lemma pairs → {len(result.words)} stems, {len(result.heads)} heads, "
          f"{len(result.modifiers)} modifiers → {NYNORSK.relative_to(ROOT)} ({NYNORSK.stat().st_size // 1024} KiB); "
          f"left out: {dropped}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
