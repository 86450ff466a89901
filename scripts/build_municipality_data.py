"""Build the municipality data that sokbase ships: src/sokbase/data/kommuner.csv and places.csv.

The source is Folkehelseinstituttet's csdata tables in ../shared/data/kommuner, which users who
install sokbase do not have; the output is committed. Run from anywhere:

    python scripts/build_municipality_data.py [--source DIR] [--lemmas FILE]

kommuner.csv has one row per 2024 kommune: number, display name, `|`-separated aliases (parallel
Sami/Kven forms, former kommuner merged into it), `ambiguous`, the names of the row that are also
ordinary Norwegian words and so need context before a text counts as mentioning them, and
`former_numbers`, the numbers of former kommuner that ended up wholly in it (1201 Bergen, 0602 Drammen).
places.csv maps bydeler and curated neighbourhoods to their kommune.
"""
from __future__ import annotations

import argparse
import csv
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "sokbase" / "data"

# Kommuner whose official name joins a Sami or Kven parallel form with hyphens, and the Norwegian
# form users know them by. Every other hyphen in a name is part of one name ("Aurskog-Høland").
NORWEGIAN_FORMS = {
    "0301": "Oslo",
    "1841": "Fauske",
    "1870": "Sortland",
    "5041": "Snåsa",
    "5043": "Røyrvik",
    "5518": "Lavangen",
    "5538": "Storfjord",
    "5540": "Kåfjord",
    "5610": "Karasjok",
    "5612": "Kautokeino",
    "5622": "Porsanger",
    "5628": "Tana",
    "5636": "Nesseby",
}
SINGLE_HYPHENATED_NAMES = {
    "Aurskog-Høland", "Nord-Odal", "Sør-Odal", "Stor-Elvdal", "Nord-Fron", "Sør-Fron",
    "Sør-Aurdal", "Nord-Aurdal", "Midt-Telemark", "Sør-Varanger",
}

# Ordinary words the lemma list misses because they are inflected forms, or that are common
# given names or foreign words; each would give false hits at the start of a sentence.
HAND_AMBIGUOUS = {
    "Lier": "plural of 'li' (hillside)",
    "Sola": "'the sun'",
    "Marker": "plural of 'mark' (field)",
    "Stranda": "'the beach'",
    "Hvaler": "'whales'",
    "Røyken": "'the smoke'",
    "Torsken": "'the cod'",
    "Øyer": "'islands'",
    "Moss": "English word and a surname",
    "Rana": "given name",
    "Vega": "given name",
    "Leka": "nynorsk 'play'",
    "Grane": "surname",
    "Marka": "'the forest'",
    "Kampen": "'the fight'",
    "Grønland": "also Greenland",
    "Solheim": "common surname",
    "Kolstad": "common surname",
    "Fossum": "common surname",
    "Olsvik": "common surname",
}

# In the lemma list, but as rare or dialect words: capitalised they are the place, even first in a sentence.
RARE_WORDS = {"Molde", "Voss", "Bremanger", "Tokke", "Haram", "Klepp"}

BYDEL_TYPOS = {"bergen_norhus": "Bergenhus", "Ørstad": "Årstad", "Øsane": "Åsane"}

# Neighbourhoods and areas of the områdesatsinger, by kommune number and the name the csv gives
# that number, so that a wrong number fails the build instead of mislabelling a place.
NEIGHBOURHOODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "0301": ("Oslo-Oslove", (
        "Furuset", "Tøyen", "Grønland", "Holmlia", "Romsås", "Haugenstua", "Vestli",
        "Stovner sentrum", "Groruddalen", "Grorud", "Veitvet", "Linderud", "Lindeberg",
        "Mortensrud", "Fossum", "Årvoll", "Rødtvet", "Kampen", "Vålerenga", "Sinsen",
    )),
    "4601": ("Bergen", (
        "Løvstakken", "Løvstakksiden", "Loddefjord", "Olsvik", "Solheim", "Nygårdshøyden",
        "Ytre Laksevåg", "Indre Laksevåg",
    )),
    "5001": ("Trondheim", ("Møllenberg", "Saupstad", "Kolstad", "Falkenborg", "Lademoen", "Midtbyen")),
    "3301": ("Drammen", ("Fjell", "Strømsø", "Konnerud")),
    "3909": ("Larvik", ("Torstrand",)),
    "1103": ("Stavanger", ("Storhaug", "Hillevåg")),
    "4204": ("Kristiansand", ("Kvadraturen",)),
}

LICENSE_TEXT = """\
kommuner.csv and places.csv are derived from csdata by Folkehelseinstituttet (FHI):
the tables kommuner_current, kommuner_historical and bydeler.

MIT License

Copyright (c) 2026 Folkehelseinstituttet (csdata)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

The neighbourhoods in places.csv (kind "neighbourhood") are curated by the sokbase project.
The "ambiguous" columns were derived by checking each name against the bokmål lemma list of
Norsk ordbank, Språkbanken, Nasjonalbiblioteket, CC-BY 4.0.
"""


@dataclass
class Kommune:
    number: str
    name: str
    county: str
    aliases: list[str] = field(default_factory=list)
    former_numbers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    place: str
    kind: str
    number: str


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_current(path: Path) -> dict[str, Kommune]:
    kommuner = {}
    for row in read_rows(path):
        number, official = row["kommunenummer"], row["kommune"]
        name, parallel = split_parallel(number, official)
        # Counties carry parallel forms too, always after the Norwegian one.
        county = row["fylke"].split("-")[0]
        kommuner[number] = Kommune(number, name, county, parallel)
    return kommuner


def split_parallel(number: str, official: str) -> tuple[str, list[str]]:
    """The display name and the other forms of an official name ('Deatnu-Tana' → 'Tana', [...])."""
    if number not in NORWEGIAN_FORMS:
        if "-" in official and official not in SINGLE_HYPHENATED_NAMES:
            raise SystemExit(f"{number} {official}: unknown hyphenated name, add it to a table")
        return official, []
    name = NORWEGIAN_FORMS[number]
    parts = official.split("-")
    if name not in parts:
        raise SystemExit(f"{number} {official}: {name} is not one of its forms")
    return name, [official] + [part for part in parts if part != name]


def add_duplicate_qualifiers(kommuner: dict[str, Kommune]) -> None:
    """Two Herøy and two Våler exist: give each a name with its county that says which one."""
    by_name = defaultdict(list)
    for kommune in kommuner.values():
        by_name[kommune.name].append(kommune)
    for same in by_name.values():
        if len(same) > 1:
            for kommune in same:
                kommune.aliases += [f"{kommune.name} ({kommune.county})", f"{kommune.name} i {kommune.county}"]


def add_former_names(kommuner: dict[str, Kommune], historical: list[dict[str, str]]) -> None:
    merged_into = defaultdict(list)
    for row in historical:
        merged_into[row["kommunenummer"]].append(row["merged_into_kommunenummer"])
    names = {row["kommunenummer"]: row["kommune"] for row in historical}
    names |= {number: kommune.name for number, kommune in kommuner.items()}
    # A former kommune with a current name (Os, Nes, Bø ...) means today's kommune of that name.
    taken = {name for k in kommuner.values() for name in [k.name, *k.aliases]}
    for row in historical:
        name, former = row["kommune"], row["kommunenummer"]
        if former.startswith("notmainland"):
            continue
        found = successors(former, kommuner, merged_into, names)
        # A number in old records names one kommune today unless the former kommune was split up.
        if len(found) == 1 and former not in kommuner:
            (number,) = found
            if former not in kommuner[number].former_numbers:
                kommuner[number].former_numbers.append(former)
        if name in taken:
            continue
        for number in sorted(found):
            if name not in kommuner[number].aliases:
                kommuner[number].aliases.append(name)


def successors(
    number: str, kommuner: dict[str, Kommune], merged_into: dict[str, list[str]], names: dict[str, str]
) -> set[str]:
    """The 2024 kommuner a former one ended up in, following chains (0602 → 3005 → 3301) and splits."""
    step = lambda n: continuations(n, merged_into[n], names, origin=names[number])  # noqa: E731
    found: set[str] = set()
    pending, seen = step(number), {number}
    while pending:
        target = pending.pop()
        if target in kommuner:
            found.add(target)
        elif target not in seen:
            seen.add(target)
            pending += step(target)
    if not found:
        raise SystemExit(f"former kommune {number} leads to no 2024 kommune")
    return found


def continuations(number: str, targets: list[str], names: dict[str, str], origin: str) -> list[str]:
    """Where a kommune that was split went on, for a former kommune called `origin` inside it.

    Ålesund 1507 (2020–2023) split into Ålesund 1508 and Haram 1580: Haram 1534, merged into 1507
    in 2020, is Haram 1580 again; Ørskog 1523 and old Ålesund 1504 are in Ålesund 1508, the part that
    kept the name. A split where no part has either name (Snillfjord 5012) leads to every part."""
    for name in (origin, names[number]):
        same_name = [target for target in targets if names.get(target) == name]
        if same_name:
            return same_name
    return list(targets)


def read_places(path: Path, kommuner: dict[str, Kommune]) -> list[Place]:
    places = {}
    for row in read_rows(path):
        if row["year_end"]:
            continue
        name = BYDEL_TYPOS.get(row["bydel"], row["bydel"])
        places[name] = Place(name, "bydel", check_number(row["kommunenummer"], row["kommune"], kommuner))
    for number, (official, names) in NEIGHBOURHOODS.items():
        check_number(number, official, kommuner)
        for name in names:
            known = places.setdefault(name, Place(name, "neighbourhood", number))
            if known.number != number:
                raise SystemExit(f"{name} is listed under {number} but is a bydel of {known.number}")
    return list(places.values())


def check_number(number: str, name: str, kommuner: dict[str, Kommune]) -> str:
    kommune = kommuner.get(number)
    if kommune is None or name not in (kommune.name, *kommune.aliases):
        raise SystemExit(f"{number} is not {name} in kommuner_current.csv")
    return number


def read_lemmas(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as f:
        return {line.strip().lower() for line in f}


def is_ambiguous(name: str, lemmas: set[str]) -> bool:
    return (name.lower() in lemmas and name not in RARE_WORDS) or name in HAND_AMBIGUOUS


def write_kommuner(path: Path, kommuner: Iterable[Kommune], lemmas: set[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["number", "name", "aliases", "ambiguous", "former_numbers"])
        for k in kommuner:
            ambiguous = [name for name in [k.name, *k.aliases] if is_ambiguous(name, lemmas)]
            writer.writerow([k.number, k.name, "|".join(k.aliases), "|".join(ambiguous), "|".join(sorted(k.former_numbers))])


def write_places(path: Path, places: Iterable[Place], lemmas: set[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["place", "kind", "number", "ambiguous"])
        for p in places:
            writer.writerow([p.place, p.kind, p.number, int(is_ambiguous(p.place, lemmas))])


def report_shared_names(kommuner: dict[str, Kommune], places: list[Place]) -> None:
    """Log names that point to more than one kommune: the gazetteer resolves them only in context."""
    owners = defaultdict(set)
    for k in kommuner.values():
        for name in [k.name, *k.aliases]:
            owners[name].add(k.number)
    for p in places:
        if p.place in owners and owners[p.place] != {p.number}:
            logger.info("%s: %s %s, but kommune name of %s", p.place, p.kind, p.number, owners[p.place])
    for name, numbers in sorted(owners.items()):
        if len(numbers) > 1:
            logger.info("%s: shared by %s", name, ", ".join(sorted(numbers)))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT / "../shared/data/kommuner", metavar="DIR",
                        help="csdata tables (default: ../shared/data/kommuner)")
    parser.add_argument("--lemmas", type=Path, default=ROOT / "../shared/data/lexicon/ordbank/nob-lemmas.txt",
                        metavar="FILE", help="Norsk ordbank bokmål lemma list, to flag ordinary words")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    kommuner = read_current(args.source / "kommuner_current.csv")
    add_duplicate_qualifiers(kommuner)
    add_former_names(kommuner, read_rows(args.source / "kommuner_historical.csv"))
    places = read_places(args.source / "bydeler.csv", kommuner)
    lemmas = read_lemmas(args.lemmas)
    report_shared_names(kommuner, places)
    write_kommuner(DATA_DIR / "kommuner.csv", kommuner.values(), lemmas)
    write_places(DATA_DIR / "places.csv", places, lemmas)
    (DATA_DIR / "LICENSE-kommuner.txt").write_text(LICENSE_TEXT, encoding="utf-8")
    logger.info("%d kommuner, %d places written to %s", len(kommuner), len(places), DATA_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
