"""Fuzz the file parsers: mutated PDFs and web pages must be read or refused with a reason, never crash or hang.

    .venv/bin/python scripts/fuzz.py                  # 3 minutes (make fuzz)
    .venv/bin/python scripts/fuzz.py --seconds 600 --seed 4

Each case takes a real file (the shipped corpus and the hostile fixtures), mutates its bytes (flipped
bytes, cut or repeated stretches, foreign bytes spliced in, markup duplicated) and runs it through the
same path as `sokbase index` (extract → metadata → passages). A case fails when anything but an
ExtractionError escapes, or when one file takes longer than the per-file limit. Failing inputs are
written to fuzz-findings/ with their traceback, to be turned into fixtures under tests/fixtures/hostile/.
"""
from __future__ import annotations

import argparse
import logging
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from sokbase.errors import ExtractionError
from sokbase.municipalities import Gazetteer
from sokbase.workers import parse_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(
    [p for p in (ROOT / "corpus").rglob("*") if p.suffix in (".pdf", ".html")]
    + [p for p in (ROOT / "tests/fixtures/hostile").iterdir() if p.suffix in (".pdf", ".html", ".txt") and p.stat().st_size]
)
CASE_SECONDS = 20
MARKUP = [b"<div>", b"</p>", b"<script>", b"<![CDATA[", b"<!--", b"&#x0;", b"\x00", b"<meta charset=latin-1>"]
PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"/Length 999999", b"<<", b">>", b"%%EOF"]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(6)
        at = rng.randrange(max(1, len(data)))
        if kind == 0:  # flip bytes
            for i in range(at, min(len(data), at + rng.randint(1, 16))):
                data[i] = rng.randrange(256)
        elif kind == 1:  # cut a stretch
            del data[at : at + rng.randint(1, 4096)]
        elif kind == 2:  # repeat a stretch
            piece = data[at : at + rng.randint(1, 512)]
            data[at:at] = piece * rng.randint(2, 50)
        elif kind == 3:  # splice in a token of the format
            data[at:at] = rng.choice(PDF_TOKENS + MARKUP)
        elif kind == 4:  # truncate
            del data[at:]
        else:  # random bytes
            data[at:at] = rng.randbytes(rng.randint(1, 256))
    return bytes(data)


def run_case(source: Path, data: bytes, folder: Path, gazetteer) -> str | None:
    path = folder / f"case{source.suffix}"
    path.write_bytes(data)
    signal.alarm(CASE_SECONDS)
    try:
        parse_file(path, folder, gazetteer)
    except ExtractionError:
        pass
    except Hang:
        return f"mer enn {CASE_SECONDS} s på én fil"
    except Exception:
        return traceback.format_exc()
    finally:
        signal.alarm(0)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz-findings")
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken input makes pypdf chatty; the verdict is ours
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    gazetteer = Gazetteer.default()
    seeds = [(path, path.read_bytes()) for path in SEEDS]
    cases, findings, deadline = 0, 0, time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory(prefix="sokbase-fuzz-") as tmp:
        while time.monotonic() < deadline:
            source, original = rng.choice(seeds)
            data = mutate(original, rng)
            cases += 1
            problem = run_case(source, data, Path(tmp), gazetteer)
            if problem:
                findings += 1
                args.out.mkdir(exist_ok=True)
                stem = f"{findings:03d}-{source.stem}"
                (args.out / f"{stem}{source.suffix}").write_bytes(data)
                (args.out / f"{stem}.txt").write_text(problem, encoding="utf-8")
                print(f"FUNN {stem}{source.suffix} (fra {source.name}): {problem.strip().splitlines()[-1]}")
    print(f"{cases} tilfeller fra {len(seeds)} filer på {args.seconds:.0f} s: {findings} funn.")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
