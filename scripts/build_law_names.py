"""Build src/sokbase/data/law-names.csv: other names and abbreviations of Norwegian laws.

Each row names a law by its short title (`name`, as Lovdata's korttittel writes it) and gives another
way caseworkers refer to it (`alias`). Most rows come from Lovdata's own data: the abbreviation after
the dash of a korttittel ("Husleieloven – husll") and the name in brackets of a title ("Lov om
tvangsfullbyrdelse (tvangsfullbyrdelsesloven)" beside the korttittel "Tvangsfullbyrdelsesloven –
tvangsloven"). Short lists below add names in common use that Lovdata's data does not carry: the
bokmål name of a law written in nynorsk and the reverse, older names of renamed laws, and an
abbreviation where the korttittel has none.

    .venv/bin/python scripts/build_law_names.py [../shared/data/lover]

Source: Lovdata, gjeldende lover (NLOD 2.0), see src/sokbase/data/LICENSE-lover.txt.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "sokbase" / "data" / "law-names.csv"

# Names in common use beside Lovdata's (bokmål/nynorsk forms, former names); each checked against the
# law's own text or title. (alias, the law's name as its korttittel writes it)
COMMON_NAMES = [
    ("offentlighetsloven", "Offentleglova"),
    ("offentleglova", "Offentleglova"),
    ("opplæringsloven", "Opplæringslova"),
    ("bustøtteloven", "Bustøttelova"),
    ("bostøtteloven", "Bustøttelova"),
    ("burettslagsloven", "Burettslagslova"),
    ("borettslagsloven", "Burettslagslova"),
    ("krisesenterloven", "Krisesenterlova"),
    ("barnevernloven", "Barnevernsloven"),
    ("nav-lova", "Nav-loven"),
    ("navloven", "Nav-loven"),
    ("sosialtjenestelova", "Sosialtjenesteloven"),
    ("sosialtenestelova", "Sosialtjenesteloven"),
    ("kommunelova", "Kommuneloven"),
    ("plan- og bygningslova", "Plan- og bygningsloven"),
    ("forvaltningslova", "Forvaltningsloven"),
    ("husleigelova", "Husleieloven"),
]
# Abbreviations in common use for laws whose korttittel gives none ("Nav-loven"; Nav's own circulars
# write "navl. § 14 a").
COMMON_ABBREVIATIONS = [
    ("navl", "Nav-loven"),
]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return yaml.safe_load(found.group(1)) if found else {}


def rows(folder: Path) -> list[tuple[str, str, str]]:
    found: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.md")):
        meta = front_matter(path)
        short = str(meta.get("korttittel") or "").strip()
        title = str(meta.get("tittel") or "")
        if not short or short.lower().startswith("endringslov"):
            continue
        name, _, abbreviation = (part.strip() for part in short.partition(" – "))
        if abbreviation:
            found.setdefault((abbreviation, name), "Lovdata korttittel")
        for inner in re.findall(r"[(\[]([^()\[\]]+)[)\]]", title):
            inner = inner.strip()
            if inner.lower().endswith(("loven", "lova")) and inner.lower() != name.lower():
                found.setdefault((inner, name), "Lovdata tittel")
    for alias, name in COMMON_NAMES:
        found.setdefault((alias, name), "sokbase: bokmål/nynorsk or former name")
    for alias, name in COMMON_ABBREVIATIONS:
        found.setdefault((alias, name), "sokbase: abbreviation in common use")
    return sorted((alias, name, source) for (alias, name), source in found.items())


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT.parent / "shared" / "data" / "lover"
    table = rows(folder)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias", "name", "source"])
        writer.writerows(table)
    print(f"{len(table)} names → {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
