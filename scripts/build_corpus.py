#!/usr/bin/env python3
"""Rebuild the sample corpus in ``corpus/`` from the five seed texts.

The seeds (``../shared/seeds/NNN_*.txt`` beside the repository, see their README) are the plain
text of five public documents about områdesatsinger and boligsosialt arbeid: three web pages from
regjeringen.no and husbanken.no, one more husbanken.no page about a conference arranged by Oslo
kommune, and the PDF programme of "Erfaringskonferansen om områdesatsinger 2024". This script turns
them back into the forms they were published in, so that the indexer is tested on what it will
really meet:

* the four web pages become HTML pages with the chrome of their site (menus, breadcrumb trail,
  cookie banner, scripts, share box, related links, footer) around an ``<article>`` that holds every
  word of the seed text, with headings, lists and photo captions marked up;
* the programme becomes an A4 PDF drawn line by line with reportlab, keeping the seed's own line
  breaks and page breaks, with a running header and a "Side N av M" footer on every page, bullets,
  a link annotation where the seed shows one, and a few words hyphenated across line ends (listed
  in ``PROGRAMME["edits"]``), including "bo-" / "og nærmiljø", which must not be joined;
* each file gets a sidecar ``NAME.meta.toml`` with what is known about it but not written in it:
  the publisher and the source URL, only where they were found.

Everything that is specific to one document (its seed, file name, site, headings, date, URL,
breadcrumb, related links, PDF line styles and edits) is data at the top of this file; the seed
text itself is only ever read from the seed files. The output is deterministic: running the script
twice gives byte-identical files (no timestamps; the PDF is written with ``invariant=1`` and
without creation or modification dates, which are not known).

The corpus is committed, so users of sokbase never need this script or reportlab. To rebuild it::

    .venv/bin/pip install -e ".[corpus]"      # reportlab
    .venv/bin/python scripts/build_corpus.py [--seeds DIR] [--out DIR]
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_OUT = ROOT / "corpus"
SIDECAR_HEADER = "# Written by scripts/build_corpus.py from the seed texts; edit the script, not this file.\n"

# --------------------------------------------------------------------------------------------------
# The documents
# --------------------------------------------------------------------------------------------------

REGJERINGEN_TEMA = "https://www.regjeringen.no/no/tema/kommuner-og-regioner/by--og-stedsutvikling/omradesatsing/"

PAGES = [
    {
        "seed": "000",
        "out": "regjeringen/erfaringskonferanse-om-omradesatsinger-2020.html",
        "site": "regjeringen",
        "publisher": "Kommunal- og moderniseringsdepartementet",
        "url": REGJERINGEN_TEMA + "erfaringskonferanse-om-omradesatsinger-2020/id2689708/",
        # The page is about the 2020 conference; only the year is known.
        "date": ("2020", "2020"),
        "breadcrumb": [
            ("Forsiden", "/no/"),
            ("Tema", "/no/tema/"),
            ("Kommuner og regioner", "/no/tema/kommuner-og-regioner/"),
            ("By- og stedsutvikling", "/no/tema/kommuner-og-regioner/by--og-stedsutvikling/"),
            ("Områdesatsing", "/no/tema/kommuner-og-regioner/by--og-stedsutvikling/omradesatsing/"),
        ],
        "headings": ["Presentasjoner holdt i plenum (pdf)", "Paneldebatt med politikere"],
        "related": [
            ("Områdesatsinger",
             "https://www.regjeringen.no/no/dokument/dep/kdd/nyhetsbrev_kdd/"
             "nyhetsbrev-stortingsmelding-om-barekraftige-byer-og-sterke-distrikter/omradesatsinger/id2539226/"),
            ("Erfaringskonferanse om områderettet arbeid i levekårsutsatte områder 2017",
             REGJERINGEN_TEMA + "erfaringskonferanse/id2526741/"),
        ],
    },
    {
        "seed": "001",
        "out": "oslo-kommune/omradeloft-nasjonal-erfaringskonferanse.html",
        # The conference was arranged by Oslo kommune, but the page was found on husbanken.no.
        "site": "husbanken",
        "publisher": "Husbanken",
        "note": "The conference was arranged by Oslo kommune with Husbanken and IMDi; the page is on husbanken.no.",
        "url": "https://www.husbanken.no/arrangement/foredrag-og-film-fra-erfaringskonferanse-omraadeloft/",
        "date": None,
        "breadcrumb": [("Forside", "/"), ("Arrangementer", "/arrangement/")],
        "headings": [
            "Områdeløft skal motvirke negativ utvikling",
            "Groruddalen prøver ut metoden",
            "Erfaringer fra områdeløft aktuelle også for stedsutvikling",
        ],
        "related": [
            ("Åpning av konferansen", "https://www.husbanken.no/omradeloft/apning-av-konferansen/"),
            ("Avsluttende ord og vel hjem", "https://www.husbanken.no/omradeloft/avsluttende-ord-og-vel-hjem/"),
            ("Flere vil ha områdeløft", "https://www.husbanken.no/omradeloft/omradeloft/"),
            ("Husbankens arbeid i områdeløft",
             "https://www.husbanken.no/omradeloft/husbankens-medvirkning-i-omradeloft/"),
        ],
    },
    {
        "seed": "002",
        "out": "husbanken/kunnskapsmote-om-planlegging-og-organisering.html",
        "site": "husbanken",
        "publisher": "Husbanken",
        "url": "https://www.husbanken.no/boligsosialt-arbeid/boligsosial-planlegging/kunnskapsmoete-6-mai/",
        # The first meeting was held in Oslo on 6 May 2011; the page reports on it: month precision.
        "date": ("2011-05", "mai 2011"),
        "breadcrumb": [
            ("Forside", "/"),
            ("Boligsosialt arbeid", "/boligsosialt-arbeid/"),
            ("Boligsosial planlegging", "/boligsosialt-arbeid/boligsosial-planlegging/"),
        ],
        "headings": ["Arena for refleksjon", "Første samling i Oslo", "Boligsosial planlegging"],
        # The lines after these (up to the next blank line) were links to the presentations.
        "list_intros": ["Presentasjoner fra samlingen:"],
        "related": [
            ("Kunnskapsmøte", "https://www.husbanken.no/fou/kunnskapsmote/"),
            ("Kunnskaping", "https://husbanken.no/fou/kunnskaping/"),
            ("Konferanse i Sandefjord november 2011",
             "https://www.husbanken.no/boligsosialt-arbeid/boligsosial-planlegging/boligsosiale-utviklingsprogram/"
             "region-sor/konferanse-i-sandefjord-nov-2011/"),
        ],
    },
    {
        "seed": "004",
        "out": "regjeringen/omradesatsinger.html",
        "site": "regjeringen",
        "publisher": "Kommunal- og moderniseringsdepartementet",
        "url": "https://www.regjeringen.no/no/dokument/dep/kdd/nyhetsbrev_kdd/"
               "nyhetsbrev-stortingsmelding-om-barekraftige-byer-og-sterke-distrikter/omradesatsinger/id2539226/",
        "date": None,
        "breadcrumb": [
            ("Forsiden", "/no/"),
            ("Dokumenter", "/no/dokument/"),
            ("Nyhetsbrev", "/no/dokument/dep/kdd/nyhetsbrev_kdd/"),
            ("Stortingsmelding om bærekraftige byer og sterke distrikter",
             "/no/dokument/dep/kdd/nyhetsbrev_kdd/nyhetsbrev-stortingsmelding-om-barekraftige-byer-og-sterke-distrikter/"),
        ],
        "headings": ["Byene jobber godt", "Utvikling av nye modeller og arbeidsformer"],
        "related": [
            ("Erfaringskonferanse om områderettet arbeid i levekårsutsatte områder 2017",
             REGJERINGEN_TEMA + "erfaringskonferanse/id2526741/"),
            ("Områdesatsing", REGJERINGEN_TEMA),
        ],
    },
]

PROGRAMME = {
    "seed": "003",
    "out": "husbanken/erfaringskonferansen-omradesatsinger-2024-program.pdf",
    # Neither the publisher nor the address of the original file could be confirmed.
    "publisher": None,
    "url": None,
    "note": "Publisher and source URL unknown: the programme does not name its publisher and the original file was not found.",
    "title": "Erfaringskonferansen om områdesatsinger 2024 – verksteder og befaringer",
    "subject": "Program for parallelle verksteder og befaringer, 27. september 2024, Hotell 33 Økern, Oslo",
    "running_header": ("Erfaringskonferansen om områdesatsinger 2024", "27. september 2024"),
    # A run of this many whitespace-only lines in the seed is a page break; shorter runs are
    # vertical space on the page.
    "page_break_blank_lines": 4,
    # The first block of the first page is the title.
    "title_block": 1,
    # Words hyphenated across a line end (the seed has none), and phrases that must end a line.
    # ("hyphenate", word, head): the line that starts with `word` gives `head` + "-" to the line
    #     before it and keeps the rest of the word.
    # ("break_after", text): the line containing `text` ends after it; the rest of the line moves to
    #     the start of the next line (or onto a new line if the next one is blank).
    "edits": [
        ("hyphenate", "lokalsamfunnet", "lokal"),
        ("hyphenate", "levekårsforskjeller", "levekårs"),
        ("hyphenate", "frafallsforebyggende", "frafalls"),
        ("break_after", "et bedre bo-"),
        ("break_after", "midlertidig kultur-"),
    ],
    # Line styles, first match wins (on the stripped line).
    "styles": [
        ("section", r"^[A-ZÆØÅ]{4,}(?: [A-ZÆØÅ]{2,})+$"),           # PARALLELLE VERKSTEDER
        ("slot", r"^\d{2}\.\d{2}(?:/\d{2}\.\d{2})*\s"),            # 10.20 Pause
        ("heading", r"^\d\.\s+\S"),                                # 1. Gode boliger og bomiljø ...
        ("bullet", r"^[•-]\s"),                                    # • ... and - ...
    ],
    # After a bullet, a line continues the item (hanging indent) if it follows directly and the
    # item's previous line does not end it; or if it starts like a continuation; or is listed here.
    "item_end": r"(?:[.?!]|\bkommune|\bNorce)$",
    "continuation_start": r"^(?:v/|\(|[a-zæøå])",
    "continuation_always": r"^v/",                                 # v/ Name, after a full stop too
    "continuation_prefixes": ["Sevan (Utdanningsetaten)", "Ferguson Finseth"],
}

# --------------------------------------------------------------------------------------------------
# Site chrome
# --------------------------------------------------------------------------------------------------

SITES = {
    "regjeringen": {
        "name": "regjeringen.no",
        "logo": "Regjeringen.no",
        "home": "https://www.regjeringen.no/no/",
        "lang_switch": ("English", "/en/"),
        "nav": [
            ("Aktuelt", "/no/aktuelt/"),
            ("Dokumenter", "/no/dokument/"),
            ("Tema", "/no/tema/"),
            ("Departementene", "/no/dep/"),
            ("Om regjeringen", "/no/om-regjeringen/"),
            ("Statsbudsjettet", "/no/statsbudsjett/"),
            ("Kontakt", "/no/kontakt/"),
        ],
        "noscript": "Aktiver Javascript i din nettleser for en bedre opplevelse på regjeringen.no",
        "owner": "Kommunal- og moderniseringsdepartementet",
        "address": ["Kommunal- og moderniseringsdepartementet", "Postboks 8112 Dep", "0032 Oslo"],
        "contact": [("E-post: postmottak@kmd.dep.no", "mailto:postmottak@kmd.dep.no"),
                    ("Kontakt departementet", "/no/kontakt/")],
        "footer_links": [
            ("Om regjeringen.no", "/no/om-nettstedet/"),
            ("Personvern", "/no/om-nettstedet/personvern/"),
            ("Informasjonskapsler", "/no/om-nettstedet/informasjonskapsler/"),
            ("Tilgjengelighetserklæring", "/no/om-nettstedet/tilgjengelighetserklaring/"),
            ("Nyhetsvarsel", "/no/nyhetsvarsel/"),
            ("RSS", "/no/rss/"),
        ],
        "colors": ("#162c53", "#ffffff", "#e9eef5", "#1a56a8"),
        "font": "'Source Sans Pro', Arial, sans-serif",
        "related_title": "Relatert",
    },
    "husbanken": {
        "name": "Husbanken",
        "logo": "Husbanken",
        "home": "https://www.husbanken.no/",
        "lang_switch": ("English", "/english/"),
        "nav": [
            ("Startlån", "/startlan/"),
            ("Bostøtte", "/bostotte/"),
            ("Lån", "/lan/"),
            ("Tilskudd", "/tilskudd/"),
            ("Boligsosialt arbeid", "/boligsosialt-arbeid/"),
            ("Områdeløft", "/omradeloft/"),
            ("FoU", "/fou/"),
            ("Om Husbanken", "/om-husbanken/"),
        ],
        "noscript": "Noen funksjoner på husbanken.no krever at Javascript er slått på i nettleseren.",
        "owner": "Husbanken",
        "address": ["Husbanken", "Postboks 1404", "8002 Bodø"],
        "contact": [("E-post: post@husbanken.no", "mailto:post@husbanken.no"),
                    ("Kontakt oss", "/kontakt-oss/")],
        "footer_links": [
            ("Om Husbanken", "/om-husbanken/"),
            ("Personvern", "/personvern/"),
            ("Informasjonskapsler", "/informasjonskapsler/"),
            ("Tilgjengelighetserklæring", "/tilgjengelighetserklaering/"),
            ("Presse", "/presse/"),
            ("Ledige stillinger", "/om-husbanken/ledige-stillinger/"),
        ],
        "colors": ("#00584c", "#ffffff", "#eef5f3", "#00776a"),
        "font": "Verdana, Arial, sans-serif",
        "related_title": "Les også",
    },
}

# A grey picture placeholder: the photos themselves are not part of the seeds.
PHOTO = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='800' height='450'%3E"
         "%3Crect width='800' height='450' fill='%23c9d1d9'/%3E%3C/svg%3E")


# --------------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------------

def read_seed(seeds: Path, number: str) -> str:
    matches = sorted(seeds.glob(f"{number}_*.txt"))
    if len(matches) != 1:
        sys.exit(f"build_corpus: expected one seed {number}_*.txt in {seeds}, found {len(matches)}")
    return matches[0].read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------------------------------

@dataclass
class Block:
    kind: str          # "p", "h2", "ul", "figure"
    text: str = ""
    items: tuple = ()
    alt: str = ""


BULLET = re.compile(r"^(?:•|-)\s+")
PHOTO_CREDIT = re.compile(r"\sFoto:\s")


def parse_page(seed: str, spec: dict) -> tuple[str, str, list[Block]]:
    """Title, lead and body blocks of a web page seed: one seed line is one paragraph."""
    lines = [line.strip() for line in seed.split("\n")]
    title, rest = lines[0], lines[1:]
    headings = set(spec["headings"])
    intros = set(spec.get("list_intros", ()))
    for heading in headings | intros:
        if heading not in rest:
            sys.exit(f"build_corpus: heading {heading!r} not found in seed {spec['seed']}")
    blocks: list[Block] = []
    i = 0
    while i < len(rest):
        line = rest[i]
        if not line:
            i += 1
        elif line in headings:
            blocks.append(Block("h2", line))
            i += 1
        elif line in intros:
            blocks.append(Block("p", line))
            items = []
            i += 1
            while i < len(rest) and rest[i]:
                items.append(rest[i])
                i += 1
            blocks.append(Block("ul", items=tuple(items)))
        elif BULLET.match(line):
            items = []
            # Items may be separated by blank lines (seed 002); they are still one list.
            while i < len(rest) and (not rest[i] or BULLET.match(rest[i])):
                if rest[i]:
                    items.append(BULLET.sub("", rest[i], count=1))
                i += 1
            while items and not items[-1]:
                items.pop()
            blocks.append(Block("ul", items=tuple(items)))
        elif i + 1 < len(rest) and PHOTO_CREDIT.search(rest[i + 1]) and _same_photo(line, rest[i + 1]):
            blocks.append(Block("figure", rest[i + 1], alt=line))
            i += 2
        elif PHOTO_CREDIT.search(line):
            # A caption without its own alt line: the picture illustrates the heading above it.
            alt = next((b.text for b in reversed(blocks) if b.kind == "h2"), "")
            blocks.append(Block("figure", line, alt=alt))
            i += 1
        else:
            blocks.append(Block("p", line))
            i += 1
    if not blocks or blocks[0].kind != "p":
        sys.exit(f"build_corpus: seed {spec['seed']} does not start with a lead paragraph")
    return title, blocks[0].text, blocks[1:]


def _same_photo(alt: str, caption: str) -> bool:
    """'Befaring på Tøyen.' and 'Befaring på Tøyen. Foto: ...' describe the same picture."""
    return alt.split()[:3] == caption.split()[:3]


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", text, maxsplit=1)[0]


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def render_page(seed: str, spec: dict) -> str:
    site = SITES[spec["site"]]
    title, lead, blocks = parse_page(seed, spec)
    url = spec.get("url")
    date = spec.get("date")
    dark, light, pale, link = site["colors"]
    out: list[str] = []
    w = out.append

    w("<!DOCTYPE html>")
    w('<html lang="nb">')
    w("<head>")
    w('  <meta charset="utf-8">')
    w('  <meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"  <title>{esc(title)} - {esc(site['name'])}</title>")
    w(f'  <meta name="description" content="{attr(first_sentence(lead))}">')
    w(f'  <meta property="og:title" content="{attr(title)}">')
    w(f'  <meta property="og:site_name" content="{attr(site["name"])}">')
    if date:
        w(f'  <meta name="dc.date" content="{date[0]}">')
    if url:
        w(f'  <link rel="canonical" href="{attr(url)}">')
        w(f'  <meta property="og:url" content="{attr(url)}">')
    w('  <link rel="icon" href="/favicon.ico">')
    w("  <style>")
    for css_line in CSS.format(dark=dark, light=light, pale=pale, link=link, font=site["font"]).strip("\n").split("\n"):
        w(("    " + css_line).rstrip())
    w("  </style>")
    w("  <script>")
    for js_line in ANALYTICS_JS.replace("SITE_NAME", site["name"]).strip("\n").split("\n"):
        w(("    " + js_line).rstrip())
    w("  </script>")
    w("</head>")
    w(f'<body class="site-{spec["site"]}">')
    w(f'  <noscript><p class="noscript">{esc(site["noscript"])}</p></noscript>')
    w('  <a class="skip-link" href="#main">Hopp til hovedinnhold</a>')
    w('  <header class="site-header">')
    w('    <div class="header-top">')
    w(f'      <a class="logo" href="{attr(site["home"])}" aria-label="{attr(site["name"])} – forsiden">'
      f'<span class="logo-mark" aria-hidden="true"></span>{esc(site["logo"])}</a>')
    w('      <form class="search" role="search" action="/sok/">')
    w('        <label for="q" class="visually-hidden">Søk</label>')
    w('        <input id="q" name="q" type="search" placeholder="Søk">')
    w('        <button type="submit">Søk</button>')
    w("      </form>")
    w(f'      <a class="lang" href="{site["lang_switch"][1]}" lang="en">{site["lang_switch"][0]}</a>')
    w("    </div>")
    w('    <nav class="main-nav" aria-label="Hovedmeny">')
    w("      <ul>")
    for label, href in site["nav"]:
        w(f'        <li><a href="{attr(href)}">{esc(label)}</a></li>')
    w("      </ul>")
    w("    </nav>")
    w("  </header>")
    w('  <nav aria-label="Brødsmulesti" class="breadcrumbs">')
    w("    <ol>")
    for label, href in spec["breadcrumb"]:
        w(f'      <li><a href="{attr(href)}">{esc(label)}</a></li>')
    w(f'      <li aria-current="page">{esc(title)}</li>')
    w("    </ol>")
    w("  </nav>")
    w('  <div class="cookie-banner" id="cookie-consent" role="region" aria-label="Samtykke til informasjonskapsler">')
    w("    <h2>Informasjonskapsler</h2>")
    w(f"    <p>{esc(site['name'])} bruker informasjonskapsler (cookies) for at nettstedet skal fungere, og – hvis du"
      " samtykker – for å lage anonym statistikk over bruken slik at vi kan forbedre tjenestene våre.</p>")
    w(f'    <p><a href="{attr(site["footer_links"][2][1])}">Les mer om hvordan vi bruker informasjonskapsler</a></p>')
    w('    <div class="cookie-buttons">')
    w('      <button type="button" data-consent="all">Godta alle</button>')
    w('      <button type="button" data-consent="necessary">Bare nødvendige</button>')
    w("    </div>")
    w("  </div>")
    w('  <div class="page">')
    w('    <main id="main" tabindex="-1">')
    w('      <article class="article">')
    w('        <header class="article-header">')
    w(f"          <h1>{esc(title)}</h1>")
    if date:
        w(f'          <p class="published">Publisert: <time datetime="{date[0]}">{esc(date[1])}</time></p>')
    w("        </header>")
    w(f'        <p class="lead">{esc(lead)}</p>')
    w('        <div class="article-body">')
    for block in blocks:
        if block.kind == "h2":
            w(f"          <h2>{esc(block.text)}</h2>")
        elif block.kind == "p":
            w(f"          <p>{esc(block.text)}</p>")
        elif block.kind == "ul":
            w("          <ul>")
            for item in block.items:
                w(f"            <li>{esc(item)}</li>")
            w("          </ul>")
        elif block.kind == "figure":
            w('          <figure class="image">')
            w(f'            <img src="{PHOTO}" width="800" height="450" alt="{attr(block.alt)}">')
            w(f"            <figcaption>{esc(block.text)}</figcaption>")
            w("          </figure>")
    w("        </div>")
    w('        <footer class="article-footer">')
    w('          <div class="share" aria-label="Del">')
    w("            <span>Del</span>")
    target = url or site["home"]
    quoted = quote(target, safe="")
    w(f'            <a href="https://www.facebook.com/sharer/sharer.php?u={quoted}">Facebook</a>')
    w(f'            <a href="https://www.linkedin.com/sharing/share-offsite/?url={quoted}">LinkedIn</a>')
    w(f'            <a href="https://x.com/intent/post?url={quoted}">X</a>')
    w(f'            <a href="mailto:?subject={quote(title)}&amp;body={quoted}">E-post</a>')
    w('            <button type="button" onclick="window.print()">Skriv ut</button>')
    w("          </div>")
    w('          <p class="to-top"><a href="#main">Til toppen</a></p>')
    w("        </footer>")
    w("      </article>")
    w("    </main>")
    w('    <aside class="related" aria-label="Relatert innhold">')
    w(f"      <h2>{esc(site['related_title'])}</h2>")
    w("      <ul>")
    for label, href in spec["related"]:
        w(f'        <li><a href="{attr(href)}">{esc(label)}</a></li>')
    w("      </ul>")
    w('      <div class="owner">')
    w("        <h2>Ansvarlig</h2>")
    w(f"        <p>{esc(site['owner'])}</p>")
    w("      </div>")
    w("    </aside>")
    w("  </div>")
    w('  <footer class="site-footer">')
    w('    <div class="footer-col">')
    w(f"      <h2>{esc(site['name'])}</h2>")
    w("      <address>")
    w("        " + "<br>\n        ".join(esc(part) for part in site["address"]))
    w("      </address>")
    w("    </div>")
    w('    <div class="footer-col">')
    w("      <h2>Kontakt</h2>")
    w("      <ul>")
    for label, href in site["contact"]:
        w(f'        <li><a href="{attr(href)}">{esc(label)}</a></li>')
    w("      </ul>")
    w("    </div>")
    w('    <div class="footer-col">')
    w("      <h2>Om nettstedet</h2>")
    w("      <ul>")
    for label, href in site["footer_links"]:
        w(f'        <li><a href="{attr(href)}">{esc(label)}</a></li>')
    w("      </ul>")
    w("    </div>")
    w("  </footer>")
    w("  <script>")
    for js_line in CONSENT_JS.strip("\n").split("\n"):
        w(("    " + js_line).rstrip())
    w("  </script>")
    w("</body>")
    w("</html>")
    return "\n".join(out) + "\n"


CSS = """
*, *::before, *::after {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {font}; color: #222; background: #fff; line-height: 1.55; }}
a {{ color: {link}; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
.skip-link {{ position: absolute; left: -9999px; }}
.skip-link:focus {{ left: 1rem; top: 1rem; background: #fff; padding: .5rem 1rem; z-index: 10; }}
.noscript {{ margin: 0; padding: .5rem 1rem; background: #fff3cd; }}
.site-header {{ background: {dark}; color: {light}; }}
.header-top {{ display: flex; align-items: center; gap: 1.5rem; max-width: 1140px; margin: 0 auto; padding: 1rem; }}
.logo {{ color: {light}; font-size: 1.6rem; font-weight: 700; text-decoration: none; margin-right: auto; }}
.logo-mark {{ display: inline-block; width: 1.4rem; height: 1.4rem; margin-right: .5rem; border-radius: 50%; background: {light}; vertical-align: -3px; }}
.search input {{ padding: .4rem .6rem; border: 0; border-radius: 3px; width: 16rem; }}
.search button {{ padding: .4rem .8rem; border: 1px solid {light}; background: transparent; color: {light}; border-radius: 3px; }}
.lang {{ color: {light}; }}
.main-nav ul {{ display: flex; flex-wrap: wrap; gap: 1.6rem; list-style: none; max-width: 1140px; margin: 0 auto; padding: .6rem 1rem 1rem; }}
.main-nav a {{ color: {light}; text-decoration: none; font-weight: 600; }}
.breadcrumbs ol {{ display: flex; flex-wrap: wrap; list-style: none; max-width: 1140px; margin: 0 auto; padding: .8rem 1rem; font-size: .9rem; }}
.breadcrumbs li + li::before {{ content: "›"; margin: 0 .5rem; color: #777; }}
.cookie-banner {{ position: fixed; left: 0; right: 0; bottom: 0; z-index: 5; background: {pale}; border-top: 3px solid {dark}; padding: 1rem 2rem; font-size: .95rem; }}
.cookie-banner h2 {{ margin: 0 0 .3rem; font-size: 1.1rem; }}
.cookie-banner p {{ margin: .2rem 0; max-width: 60rem; }}
.cookie-buttons button {{ margin: .5rem .8rem 0 0; padding: .5rem 1.2rem; border: 2px solid {dark}; background: {dark}; color: {light}; font-weight: 600; cursor: pointer; }}
.cookie-buttons button + button {{ background: #fff; color: {dark}; }}
.page {{ display: grid; grid-template-columns: minmax(0, 1fr) 18rem; gap: 3rem; max-width: 1140px; margin: 0 auto; padding: 1rem 1rem 10rem; }}
.article-header h1 {{ font-size: 2.4rem; line-height: 1.2; margin: .5rem 0 .5rem; color: {dark}; }}
.published {{ color: #555; font-size: .9rem; margin: 0 0 1rem; }}
.lead {{ font-size: 1.3rem; line-height: 1.5; margin: 1rem 0 1.5rem; }}
.article-body h2 {{ font-size: 1.5rem; margin: 2rem 0 .5rem; color: {dark}; }}
.article-body ul {{ padding-left: 1.4rem; }}
.image {{ margin: 1.5rem 0; }}
.image img {{ display: block; width: 100%; height: auto; }}
.image figcaption {{ font-size: .9rem; color: #555; padding: .4rem 0; border-bottom: 1px solid #ddd; }}
.article-footer {{ margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }}
.share {{ display: flex; gap: 1rem; align-items: center; }}
.share span {{ font-weight: 700; }}
.share button {{ border: 0; background: none; color: {link}; text-decoration: underline; cursor: pointer; font: inherit; }}
.related {{ border-top: 4px solid {dark}; padding-top: .5rem; font-size: .95rem; }}
.related h2 {{ font-size: 1.1rem; }}
.related ul {{ padding-left: 1.1rem; }}
.site-footer {{ display: flex; flex-wrap: wrap; gap: 4rem; background: {dark}; color: {light}; padding: 2rem max(1rem, calc((100% - 1140px) / 2)); }}
.site-footer h2 {{ font-size: 1rem; }}
.site-footer a {{ color: {light}; }}
.site-footer ul {{ list-style: none; padding: 0; }}
.site-footer address {{ font-style: normal; }}
@media (max-width: 800px) {{ .page {{ grid-template-columns: 1fr; }} }}
"""

ANALYTICS_JS = """
window.dataLayer = window.dataLayer || [];
(function (w, d) {
  var match = d.cookie.match(/(?:^|;\\s*)cookie_consent=([^;]+)/);
  var consent = match ? decodeURIComponent(match[1]) : "unknown";
  w.dataLayer.push({ event: "page_view", site: "SITE_NAME", consent: consent, path: w.location.pathname });
  if (consent === "all") {
    var s = d.createElement("script");
    s.async = true;
    s.src = "/assets/js/statistics.js";
    d.head.appendChild(s);
  }
})(window, document);
"""

CONSENT_JS = """
(function (d) {
  var banner = d.getElementById("cookie-consent");
  if (!banner) { return; }
  if (/(?:^|;\\s*)cookie_consent=/.test(d.cookie)) { banner.hidden = true; }
  banner.addEventListener("click", function (event) {
    var choice = event.target.getAttribute("data-consent");
    if (!choice) { return; }
    d.cookie = "cookie_consent=" + choice + "; max-age=31536000; path=/; SameSite=Lax";
    banner.hidden = true;
    window.dataLayer.push({ event: "cookie_consent", consent: choice });
  });
})(document);
"""


# --------------------------------------------------------------------------------------------------
# The PDF programme
# --------------------------------------------------------------------------------------------------

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"), Path("/Library/Fonts")]
PAGE_MARGIN_X = 56.7          # 2 cm
TOP = 841.89 - 82             # first baseline, below the running header
BOTTOM = 70                   # nothing below this but the footer
BULLET_INDENT = 16
# style: (font, size, leading, space before, colour)
PDF_STYLES = {
    "title": ("Bold", 20, 25, 0, (0.05, 0.20, 0.33)),
    "date": ("Bold", 12.5, 17, 4, (0.05, 0.20, 0.33)),
    "venue": ("Regular", 11.5, 16, 0, (0.1, 0.1, 0.1)),
    "section": ("Bold", 14, 19, 6, (0.05, 0.20, 0.33)),
    "slot": ("Bold", 11.5, 16, 4, (0.1, 0.1, 0.1)),
    "heading": ("Bold", 11, 15, 2, (0.05, 0.20, 0.33)),
    "bullet": ("Regular", 10, 13.6, 0, (0.1, 0.1, 0.1)),
    "continuation": ("Regular", 10, 13.6, 0, (0.1, 0.1, 0.1)),
    "body": ("Regular", 10, 13.6, 0, (0.1, 0.1, 0.1)),
}
GAP = 7.5                     # a run of blank lines inside a page


def register_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    import reportlab

    candidates = [(d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf") for d in FONT_DIRS]
    vera = Path(reportlab.__file__).parent / "fonts"
    candidates.append((vera / "Vera.ttf", vera / "VeraBd.ttf"))
    for regular, bold in candidates:
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("Regular", str(regular)))
            pdfmetrics.registerFont(TTFont("Bold", str(bold)))
            for ch in "æøåÆØÅ•«»–\u202f":
                if ord(ch) not in pdfmetrics.getFont("Regular").face.charToGlyph:
                    print(f"build_corpus: warning: {regular.name} has no glyph for {ch!r}", file=sys.stderr)
            return regular.name
    sys.exit("build_corpus: no DejaVuSans or Vera TTF font found")


def split_pages(seed: str, threshold: int) -> list[list[str]]:
    """The seed's pages: a run of `threshold` or more whitespace-only lines is a page break."""
    pages, current, blanks = [], [], []
    for line in seed.split("\n"):
        if line.strip():
            if len(blanks) >= threshold and any(l.strip() for l in current):
                pages.append(current)
                current = []
            elif blanks and current:
                current.append("")
            blanks = []
            current.append(line.strip())
        else:
            blanks.append(line)
    if current:
        pages.append(current)
    return pages


def apply_edits(pages: list[list[str]], edits) -> list[list[str]]:
    pages = [list(page) for page in pages]
    for edit in edits:
        hits = []
        for p, page in enumerate(pages):
            for i, line in enumerate(page):
                if edit[0] == "hyphenate" and line.split(" ", 1)[0] == edit[1]:
                    hits.append((p, i))
                elif edit[0] == "break_after" and edit[1] in line:
                    hits.append((p, i))
        if len(hits) != 1:
            sys.exit(f"build_corpus: edit {edit!r} matches {len(hits)} lines, expected 1")
        p, i = hits[0]
        page = pages[p]
        if edit[0] == "hyphenate":
            word, head = edit[1], edit[2]
            if i == 0 or not page[i - 1] or not word.startswith(head):
                sys.exit(f"build_corpus: cannot hyphenate {word!r}")
            page[i - 1] = f"{page[i - 1]} {head}-"
            page[i] = page[i][len(head):]
        else:
            cut = page[i].index(edit[1]) + len(edit[1])
            head, tail = page[i][:cut], page[i][cut:].strip()
            page[i] = head
            if i + 1 < len(page) and page[i + 1]:
                page[i + 1] = f"{tail} {page[i + 1]}"
            else:
                page.insert(i + 1, tail)
    return pages


def classify(pages: list[list[str]], spec: dict) -> list[list[tuple[str, str]]]:
    """(style, text) for every line; "" lines become ("gap", "")."""
    rules = [(style, re.compile(pattern)) for style, pattern in spec["styles"]]
    item_end = re.compile(spec["item_end"])
    cont_start = re.compile(spec["continuation_start"])
    continuation_always = re.compile(spec["continuation_always"])
    prefixes = tuple(spec["continuation_prefixes"])
    out, in_item, in_heading, after_blank, last_item_line = [], False, False, False, ""
    title_blocks_left = spec["title_block"]
    header_lines = 0
    for p, page in enumerate(pages):
        styled = []
        for line in page:
            if not line:
                if styled and styled[-1][0] != "gap":
                    styled.append(("gap", ""))
                if title_blocks_left and p == 0 and styled:
                    title_blocks_left -= 1
                in_heading, after_blank = False, True
                continue
            if p == 0 and title_blocks_left:
                styled.append(("title", line))
                continue
            if p == 0 and header_lines < 2:
                styled.append(("date" if header_lines == 0 else "venue", line))
                header_lines += 1
                continue
            style = next((s for s, rx in rules if rx.search(line)), "body")
            if style == "body" and in_heading:
                style = "heading"
            elif style == "body" and in_item and (
                (not after_blank and not item_end.search(last_item_line))
                or (cont_start.search(line) and not item_end.search(last_item_line))
                or continuation_always.search(line)
                or line.startswith(prefixes)
            ):
                style = "continuation"
                if styled and styled[-1][0] == "gap":
                    styled.pop()  # a blank line inside a wrapped item is an artefact of the text
            in_heading = style == "heading"
            in_item = style in ("bullet", "continuation")
            if in_item:
                last_item_line = line
            after_blank = False
            styled.append((style, line))
        while styled and styled[-1][0] == "gap":
            styled.pop()
        out.append(styled)
    return out


def find_links(page: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[int, str]]:
    """A line that is a complete URL and equals two visible lines joined (the URL broken after a
    hyphen) is a link annotation in the original, not text: it becomes a link on those lines."""
    kept, links = [], {}
    for style, text in page:
        if re.fullmatch(r"https?://\S+", text):
            for j in range(len(kept) - 1):
                if kept[j][1].startswith("http") and kept[j][1] + kept[j + 1][1] == text:
                    links[j] = links[j + 1] = text
                    break
            else:
                kept.append((style, text))
            continue
        kept.append((style, text))
    while kept and kept[-1][0] == "gap":
        kept.pop()
    return kept, links


def _info(title: str, subject: str, producer: str):
    """Document info without creation/modification dates (they are not known) and without an
    author (the programme does not say who wrote it)."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString

    class Info(PDFInfo):
        def format(self, document):
            return PDFDictionary({
                "Title": PDFString(self.title),
                "Subject": PDFString(self.subject),
                "Creator": PDFString(self.creator),
                "Producer": PDFString(self.producer),
            }).format(document)

    info = Info()
    info.title, info.subject, info.producer = title, subject, producer
    info.creator, info.author, info.keywords = "sokbase scripts/build_corpus.py", "", ""
    return info


def render_programme(seed: str, spec: dict, target: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    register_fonts()
    pages = classify(apply_edits(split_pages(seed, spec["page_break_blank_lines"]), spec["edits"]), spec)
    total = len(pages)
    width, height = A4
    right_edge = width - PAGE_MARGIN_X
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1)
    c._doc.info = _info(spec["title"], spec["subject"], c._doc.info.producer)
    for number, styled in enumerate(pages, start=1):
        lines, links = find_links(styled)
        _running_header(c, spec, width, height)
        y = TOP
        previous = None
        for index, (style, text) in enumerate(lines):
            if style == "gap":
                y -= GAP
                previous = style
                continue
            font, size, leading, before, colour = PDF_STYLES[style]
            if previous is not None and previous != style:
                y -= before
            x = PAGE_MARGIN_X + (BULLET_INDENT if style in ("bullet", "continuation") else 0)
            marker = None
            if style == "bullet":
                marker, text = text[0], text[1:].strip()
            line_width = pdfmetrics.stringWidth(text, font, size)
            if x + line_width > right_edge + 0.01:
                sys.exit(f"build_corpus: line too wide on page {number}: {text!r}")
            c.setFillColorRGB(*((0.1, 0.34, 0.66) if index in links else colour))
            # One text object per line, the bullet and its text together, as word processors do.
            line = c.beginText(x - BULLET_INDENT + 4 if marker else x, y)
            line.setFont(font, size)
            if marker:
                line.textOut(marker)
                line.moveCursor(BULLET_INDENT - 4, 0)
            line.textOut(text)
            c.drawText(line)
            if index in links:
                c.linkURL(links[index], (x, y - 2, x + line_width, y + size), relative=0, thickness=0)
            y -= leading
            previous = style
            if y < BOTTOM:
                sys.exit(f"build_corpus: page {number} overflows at {text!r}")
        _footer(c, number, total, width)
        c.showPage()
    c.save()


def _running_header(c, spec, width, height):
    left, right = spec["running_header"]
    c.setFillColorRGB(0.35, 0.35, 0.35)
    c.setFont("Regular", 8.5)
    c.drawString(PAGE_MARGIN_X, height - 40, left)
    c.drawRightString(width - PAGE_MARGIN_X, height - 40, right)
    c.setStrokeColorRGB(0.05, 0.20, 0.33)
    c.setLineWidth(0.6)
    c.line(PAGE_MARGIN_X, height - 46, width - PAGE_MARGIN_X, height - 46)


def _footer(c, number, total, width):
    c.setStrokeColorRGB(0.05, 0.20, 0.33)
    c.setLineWidth(0.6)
    c.line(PAGE_MARGIN_X, 50, width - PAGE_MARGIN_X, 50)
    c.setFillColorRGB(0.35, 0.35, 0.35)
    c.setFont("Regular", 8.5)
    c.drawCentredString(width / 2, 36, f"Side {number} av {total}")


# --------------------------------------------------------------------------------------------------
# Sidecars and main
# --------------------------------------------------------------------------------------------------

def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_sidecar(target: Path, spec: dict) -> Path:
    sidecar = target.with_name(target.name.rsplit(".", 1)[0] + ".meta.toml")
    lines = [SIDECAR_HEADER]
    if spec.get("note"):
        lines.append(f"# {spec['note']}\n")
    if spec.get("publisher"):
        lines.append(f"publisher = {toml_string(spec['publisher'])}\n")
    if spec.get("url"):
        lines.append(f"url = {toml_string(spec['url'])}\n")
    sidecar.write_text("".join(lines), encoding="utf-8", newline="\n")
    return sidecar


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS,
                        help="folder with the seed texts (default: ../shared/seeds beside the repository)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="corpus folder to write (default: corpus/)")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        parser.error(f"seed folder not found: {args.seeds}")
    written = []
    for spec in PAGES:
        target = args.out / spec["out"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_page(read_seed(args.seeds, spec["seed"]), spec), encoding="utf-8", newline="\n")
        written += [target, write_sidecar(target, spec)]
    target = args.out / PROGRAMME["out"]
    target.parent.mkdir(parents=True, exist_ok=True)
    render_programme(read_seed(args.seeds, PROGRAMME["seed"]), PROGRAMME, target)
    written += [target, write_sidecar(target, PROGRAMME)]
    for path in written:
        print(path.relative_to(args.out) if path.is_relative_to(args.out) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
