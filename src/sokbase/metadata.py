"""Attach what a caseworker filters on: the conference of a document, the kommuner of a passage."""
from __future__ import annotations

import dataclasses
import logging

from .conference import detect_conference
from .models import Document, Municipality, Passage
from .municipalities import Gazetteer

logger = logging.getLogger(__name__)

# A document's own kommuner are those named where a document introduces itself.
LEAD_BLOCKS = 3


def enrich_document(document: Document, gazetteer: Gazetteer, sidecar_numbers: list[str] = ()) -> Document:
    municipalities = document.municipalities or _from_numbers(sidecar_numbers, gazetteer, document.source)
    if not municipalities:
        lead = "\n".join([document.title, document.description or ""] + [b.text for b in document.blocks[:LEAD_BLOCKS]])
        municipalities = gazetteer.find(lead)
    return dataclasses.replace(document, conference=detect_conference(document), municipalities=municipalities)


def enrich_passages(passages: list[Passage], document: Document, gazetteer: Gazetteer) -> list[Passage]:
    """A passage is about the kommuner it or its heading names; failing that, its document's."""
    return [
        dataclasses.replace(
            passage,
            municipalities=gazetteer.find(f"{passage.heading or ''}\n{passage.text}") or document.municipalities,
        )
        for passage in passages
    ]


def _from_numbers(numbers, gazetteer: Gazetteer, source: str) -> tuple[Municipality, ...]:
    found = []
    for number in numbers:
        municipality = gazetteer.lookup(str(number))
        if municipality is None:
            logger.warning("%s: ukjent kommunenummer %r i metadatafilen", source, number)
        elif municipality not in found:
            found.append(municipality)
    return tuple(found)
