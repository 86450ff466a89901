"""The figures of docs/corpus.md, "Archives": how the files of issue 15 read after extraction.

For each case: how many passages read as prose (median words per line of at least PROSE_WORDS)
and the median words per line over all passages; for the scanned page, OCR word accuracy against
the text that was rendered and the seconds OCR takes per page (median of three, no cache).

    .venv/bin/python scripts/measure_archives.py
    PYTHONPATH=/path/to/older/src .venv/bin/python scripts/measure_archives.py   # the same for another version
"""
from __future__ import annotations

import difflib
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_archive_fixtures as fixtures  # noqa: E402

from sokbase.errors import ExtractionError  # noqa: E402
from sokbase.extract import extract_file  # noqa: E402
from sokbase.passages import split_passages  # noqa: E402

PROSE_WORDS = 4
RUNS = 3


def words_per_line(text: str) -> float:
    return median(len(line.split()) for line in text.split("\n") if line.strip())


def prose(path: Path, root: Path, **options) -> str:
    try:
        passages = split_passages(extract_file(path, root, **options))
    except (ExtractionError, TypeError) as error:
        return f"| {path.name} | – | – | {error} |"
    medians = [words_per_line(passage.text) for passage in passages]
    share = sum(value >= PROSE_WORDS for value in medians) / len(medians)
    return f"| {path.name} | {len(passages)} | {share:.0%} | {median(medians):g} |"


def ocr_figures(root: Path) -> str:
    from sokbase.extract.ocr import OcrOptions

    page = fixtures.scanned_pdf(root / "skannet.pdf")
    seconds, document = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        document = extract_file(page, root, ocr=OcrOptions(cache_dir=None))
        seconds.append(time.perf_counter() - started)
    read = " ".join(block.text for block in document.blocks).split()
    expected = " ".join(fixtures.SCANNED_LINES).split()
    matcher = difflib.SequenceMatcher(a=expected, b=read, autojunk=False)
    correct = sum(block.size for block in matcher.get_matching_blocks())
    return (f"OCR word accuracy {correct}/{len(expected)} = {correct / len(expected):.1%}; "
            f"{median(seconds):.2f} s per page (median of {RUNS}, 200 dpi scan rendered at 300 dpi, one core)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        cases = [
            fixtures.word_per_object_pdf(root / "ett-ord-per-objekt.pdf"),
            fixtures.planning_docx(root / "saksframlegg.docx"),
            fixtures.hearing_odt(root / "horingssvar.odt"),
            fixtures.letter_docx(root / "brev.docx"),
        ]
        if fixtures.chromium_available():
            cases[:0] = [fixtures.chromium_pdf(fixtures.plan_html(), root / "chromium.pdf"),
                         fixtures.chromium_pdf(fixtures.plan_html(positioned_words=True), root / "google-docs.pdf")]
        print(f"| file | passages | read as prose (≥ {PROSE_WORDS} words a line) | median words per line |")
        print("|---|---|---|---|")
        for path in cases:
            print(prose(path, root))
        try:
            print(ocr_figures(root))
        except (TypeError, ImportError) as error:
            print(f"OCR: not in this version ({error})")


if __name__ == "__main__":
    main()
