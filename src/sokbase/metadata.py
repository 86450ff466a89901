"""Attach what a caseworker filters on: the conference of a document, the kommuner of a passage."""
from __future__ import annotations

import dataclasses

from .conference import detect_conference
from .models import Document, Passage
from .municipalities import Gazetteer

# A document's own kommuner are those named where a document introduces itself.
LEAD_BLOCKS = 3


def enrich_document(document: Document, gazetteer: Gazetteer) -> Document:
    """The document's kommuner are those its sidecar gives, else those named where it introduces itself."""
    municipalities = document.municipalities
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
