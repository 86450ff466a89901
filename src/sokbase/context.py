"""Document context: how much a passage's whole document is about the query.

A question often leans on its document: "Hvem scoret det første målet i kampen?" names the match
only through the article's other passages, and several documents may share a subject. The ranking
(ranking.py) therefore counts, beside a passage's own BM25, that of its document (Callan 1994;
Bendersky and Kurland 2008, "passage + document evidence"): BM25 over all of a document's passages
taken together, with a word's document frequency counted in documents (the engine estimates it for
words in thousands of documents).

Measured on NorQuAD train (3,808 questions), top 30 re-ranked with the document weighing 0.75:
document MRR@10 .908 → .914 (paired difference +.0067, standard error .0014), answer@5 .931 → .945.
"""
from __future__ import annotations

from math import log

from .engines.base import DocumentTerms
from .scoring import bm25


def document_scores(found: DocumentTerms) -> dict[str, float]:
    """BM25 of each document in `found` for the words it was asked about."""
    idf = {word: log(1 + (found.documents - n + 0.5) / (n + 0.5)) for word, n in found.frequency.items()}
    return {
        doc_id: sum(
            bm25(idf[word], weight, found.lengths.get(doc_id, 0.0), found.average_length)
            for word, weight in weights.items()
            if word in idf
        )
        for doc_id, weights in found.weights.items()
    }
