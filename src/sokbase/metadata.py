"""Attach what a caseworker filters on: the conference of a document, the kommuner of a passage."""
from __future__ import annotations

import dataclasses

from .addresses import without_addresses
from .conference import detect_conference
from .models import Document, Passage
from .municipalities import Gazetteer

# A document's own kommuner are those named where a document introduces itself.
LEAD_BLOCKS = 3
LEAD_SCAN = 30  # blocks looked through for those three, past letterheads and recipients


def enrich_document(document: Document, gazetteer: Gazetteer) -> Document:
    """The document's kommuner are those its sidecar gives, else those named where it introduces itself
    (a letter's letterhead and recipient are addresses, not where it introduces itself)."""
    municipalities = document.municipalities
    if not municipalities:
        # Each block is one line: blanked together, a letterhead's name goes with the address below it.
        opening = without_addresses("\n".join(block.text for block in document.blocks[:LEAD_SCAN]))
        lead = [document.title, document.description or ""] + [line for line in opening.split("\n") if line.strip()][:LEAD_BLOCKS]
        municipalities = gazetteer.find("\n".join(lead))
    return dataclasses.replace(document, conference=detect_conference(document), municipalities=municipalities)


def enrich_passages(passages: list[Passage], document: Document, gazetteer: Gazetteer) -> list[Passage]:
    """A passage is about the kommuner it or its heading names; failing that, its document's."""
    return [
        dataclasses.replace(
            passage,
            municipalities=gazetteer.find(without_addresses(f"{passage.heading or ''}\n{passage.text}"))
            or document.municipalities,
        )
        for passage in passages
    ]
