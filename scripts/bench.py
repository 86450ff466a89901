"""Benchmark sokbase side by side with reference setups on the same passages and queries.

    .venv/bin/python scripts/bench.py                 # 10k and 100k passages, Whoosh and PostgreSQL
    .venv/bin/python scripts/bench.py --sizes 10000   # one size
    .venv/bin/python scripts/bench.py --large         # adds 1M passages
    .venv/bin/python scripts/bench.py --engines postgresql --postgres-url postgresql://…/db
    .venv/bin/python scripts/bench.py --sizes 1000000 --engines postgresql --no-references   # 1M, one engine

A deterministic synthetic corpus is built from real Norwegian text (the NorQuAD documents and
the shipped corpus, recombined) and written as files, so that the real ingestion path is
measured. Every figure is also given as a ratio to a reference measured in the same run,
because ratios survive a noisy machine better than seconds do:

  (a) Whoosh as a tutorial sets it up: StandardAnalyzer, default writer, a new searcher per query;
  (b) bm25s and (c) tantivy, the speed-of-light references for lexical search on this machine.

Both engines index the same files and answer the same queries: Whoosh in a folder, PostgreSQL in a
throwaway server (tests/pgserver.py: initdb into /tmp, a loopback port) or a database you name.
Each is searched by one client and by --clients processes at once (throughput, p50/p95).

Results go to stdout as a Markdown table and to bench-results/bench-<size>.json.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
NORQUAD_PATHS = [ROOT / "tests/data/norquad/documents.jsonl", ROOT.parent / "shared/eval/norquad/documents.jsonl"]
SOKBASE = [sys.executable, "-m", "sokbase"]
PARAGRAPHS_PER_FILE = 6
QUERY_COUNT = 300
COLD_RUNS = 7
CLIENTS = 8
WARM_UP = 20
POSTGRES_SETTINGS = {"shared_buffers": "1GB", "max_connections": "60", "work_mem": "16MB"}
POSTGRES_BUDGET = {"build_passages_per_s_100k": 2000.0, "p95_ms_1m": 150.0, "throughput_ratio": 3.0}
BUDGET = {
    "cold_search_s": 0.30,
    "warm_p50_ms": 15.0,
    "warm_p95_ms": 60.0,
    "p95_vs_tutorial": 2.0,
    "build_passages_per_s": 2000.0,
    "build_peak_rss_mb": 600.0,
    "incremental_fraction": 0.05,
    "access_filter_p95_ratio": 1.10,  # /api/search through --auth proxy, filter on, against the open server
}
# Access rules added after the open server was measured: every fourth folder for a group the reader is
# not in (hidden), the folder after it for the reader's group.
HIDDEN_GROUP, READER_GROUP = "gruppe-b", "gruppe-a"


@dataclass
class SizeResult:
    target_passages: int
    engine: str = "whoosh"
    files: int = 0
    passages: int = 0
    build_s: float = 0.0
    build_passages_per_s: float = 0.0
    build_peak_rss_mb: float = 0.0
    incremental_s: float = 0.0
    incremental_fraction: float = 0.0
    index_mb: float = 0.0
    warm_ms: dict[str, float] = field(default_factory=dict)
    one_client: dict[str, float] = field(default_factory=dict)  # queries/s, p50, p95 of one client process
    clients: dict[str, float] = field(default_factory=dict)  # the same with CLIENTS processes at once
    references: dict[str, dict[str, float]] = field(default_factory=dict)
    web_ms: dict[str, dict[str, float]] = field(default_factory=dict)  # /api/search over HTTP: open, proxy
    access_change_s: float = 0.0  # the incremental run after access rules were added
    access_refiled: int = 0  # files it re-filed without reading them
    hidden_share: float = 0.0  # of the passages, hidden from the proxy's reader


# ---------------------------------------------------------------- corpus


def source_paragraphs() -> list[str]:
    """Paragraphs of real Norwegian prose, 40–160 words each."""
    path = next((p for p in NORQUAD_PATHS if p.exists()), None)
    if path is None:
        sys.exit("Fant ikke NorQuAD-dokumentene (tests/data/norquad/documents.jsonl).")
    paragraphs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        for paragraph in json.loads(line)["text"].split("\n"):
            words = paragraph.split()
            if 40 <= len(words) <= 160:
                paragraphs.append(" ".join(words))
    return paragraphs


def write_corpus(folder: Path, target_passages: int, paragraphs: list[str], seed: int = 7) -> int:
    """Files of PARAGRAPHS_PER_FILE recombined paragraphs each; every fifth file is a web page."""
    rng = random.Random(seed)
    files = max(1, target_passages // PARAGRAPHS_PER_FILE)
    for number in range(files):
        chosen = [rng.choice(paragraphs) for _ in range(PARAGRAPHS_PER_FILE)]
        title = " ".join(chosen[0].split()[:8])
        subfolder = folder / f"d{number // 1000:04d}"
        subfolder.mkdir(parents=True, exist_ok=True)
        if number % 5 == 4:
            body = "".join(f"<h2>{' '.join(p.split()[:5])}</h2><p>{p}</p>" for p in chosen)
            page = f'<!DOCTYPE html><html lang="nb"><head><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>'
            (subfolder / f"side-{number:07d}.html").write_text(page, encoding="utf-8")
        else:
            (subfolder / f"notat-{number:07d}.txt").write_text(title + "\n\n" + "\n\n".join(chosen) + "\n", encoding="utf-8")
    return files


def change_one_percent(folder: Path, seed: int = 11) -> int:
    files = sorted(folder.rglob("*.txt"))
    chosen = random.Random(seed).sample(files, max(1, len(files) // 100))
    for path in chosen:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\nEndret i nattens kjøring: oppdatert med nye tall for levekår og bostøtte.\n")
    return len(chosen)


# ---------------------------------------------------------------- queries


def make_queries(passages: list[str], municipalities: list[str], seed: int = 3) -> list[dict]:
    """A deterministic mix: single words, 2–4 words, phrases, a kommune filter, wildcards."""
    rng = random.Random(seed)
    words = [w for p in passages[:5000] for w in re.findall(r"[A-Za-zÆØÅæøå]{5,}", p)]
    queries = []
    for number in range(QUERY_COUNT):
        kind = number % 5
        if kind == 0:
            queries.append({"q": rng.choice(words)})
        elif kind == 1:
            queries.append({"q": " ".join(rng.choice(words) for _ in range(rng.randint(2, 4)))})
        elif kind == 2:
            passage = rng.choice(passages).split()
            start = rng.randrange(max(1, len(passage) - 2))
            queries.append({"q": '"' + " ".join(passage[start : start + 2]).strip('".,:;!?()«»') + '"'})
        elif kind == 3:
            queries.append({"q": rng.choice(words), "kommune": rng.choice(municipalities)})
        else:
            queries.append({"q": rng.choice(words)[:5] + "*"})
    return queries


def plain_words(query: str) -> str:
    return re.sub(r"[\"*]", " ", query).strip()


# ---------------------------------------------------------------- sokbase


def run_cli(*args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one sokbase command in a fresh process."""
    started = time.perf_counter()
    subprocess.run([*SOKBASE, *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return {"p50": round(pick(0.50), 2), "p95": round(pick(0.95), 2), "p99": round(pick(0.99), 2)}


def sokbase_warm(location: Path | str, queries: list[dict]) -> dict[str, float]:
    import sokbase
    from sokbase.errors import QueryError

    samples = []
    with sokbase.open_index(location) as index:
        for query in queries[:WARM_UP]:  # warm caches as a long-running web process would be
            _search(index, query, QueryError)
        for query in queries:
            started = time.perf_counter()
            _search(index, query, QueryError)
            samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def _search(index, query: dict, query_error) -> None:
    try:
        index.search(query["q"], limit=10, kommune=query.get("kommune"))
    except query_error:
        pass


def _client(location: str, queries: list[dict], start_at: float) -> tuple[list[float], float]:
    """One client process: open the index, warm up, wait for the others, run every query."""
    import sokbase
    from sokbase.errors import QueryError

    samples = []
    with sokbase.open_index(location) as index:
        for query in queries[:WARM_UP]:
            _search(index, query, QueryError)
        time.sleep(max(0.0, start_at - time.time()))
        for query in queries:
            started = time.perf_counter()
            _search(index, query, QueryError)
            samples.append((time.perf_counter() - started) * 1000)
    return samples, time.time()


def concurrent_search(location: Path | str, queries: list[dict], clients: int) -> dict[str, float]:
    """`clients` processes searching at once, each its own rotation of the queries: queries/s over the
    wall time from the common start to the last answer, and the latencies every client saw."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start_at = time.time() + 15 + 2 * clients  # after every client has opened the index and warmed up
    with ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_client, str(location), queries[n * 37 % len(queries):] + queries[: n * 37 % len(queries)],
                               start_at) for n in range(clients)]
        results = [future.result() for future in futures]
    samples = [sample for found, _ in results for sample in found]
    wall = max(end for _, end in results) - start_at
    return {"qps": round(len(samples) / wall, 1), **percentiles(samples)}


def index_size_mb(location: Path | str) -> float:
    if isinstance(location, Path):
        return round(sum(p.stat().st_size for p in location.rglob("*") if p.is_file()) / 2**20, 1)
    import psycopg

    with psycopg.connect(location) as conn:
        size = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                            "ON n.oid = c.relnamespace WHERE n.nspname = 'sokbase' AND c.relkind = 'r'").fetchone()[0]
    return round(float(size or 0) / 2**20, 1)


def indexed_passages(location: Path | str) -> tuple[list[str], list[str]]:
    """The passage texts sokbase indexed, and the kommuner they name, for the reference setups."""
    if not isinstance(location, Path):
        import psycopg

        with psycopg.connect(location) as conn:
            texts = [text for (text,) in conn.execute("SELECT text FROM sokbase.passages ORDER BY id")]
            manifest = conn.execute("SELECT manifest FROM sokbase.manifest").fetchone()[0]
        return texts, [name.split(" (")[0] for name in list(manifest["municipalities"])[:30]] or ["Oslo"]
    from whoosh import index as whoosh_index

    from sokbase import storage

    index_dir = location
    generation = storage.current_generation(index_dir)
    manifest = storage.read_manifest(generation)
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        texts = [fields["text"] for fields in searcher.all_stored_fields()]
    ix.close()
    municipalities = [name.split(" (")[0] for name in list(manifest.municipalities)[:30]] or ["Oslo"]
    return texts, municipalities


class WebServer:
    """The app under waitress in this process, asked over HTTP with keep-alive, as a browser or script would."""

    def __init__(self, index_dir: Path, config: dict, headers: dict):
        from waitress.server import create_server

        from sokbase.web import create_app

        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1": two clients, two threads
        self.server = create_server(create_app({"SOKBASE_INDEX": str(index_dir), **config}), host="127.0.0.1",
                                    port=0, threads=2)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.server.effective_port)
        self.headers = headers

    def _serve(self) -> None:
        try:
            self.server.run()
        except OSError:  # close() took the socket from under waitress's select(): the server has stopped
            pass

    def search(self, query: dict) -> float:
        """Milliseconds for one /api/search."""
        params = {"q": query["q"], "limit": 10} | ({"kommune": query["kommune"]} if query.get("kommune") else {})
        started = time.perf_counter()
        self.connection.request("GET", "/api/search?" + urlencode(params), headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in (200, 400):
            raise RuntimeError(f"/api/search answered {response.status} for {query}")
        return elapsed

    def close(self) -> None:
        self.connection.close()
        self.server.close()
        self.thread.join(timeout=5)


def web_search(servers: dict[str, WebServer], queries: list[dict]) -> dict[str, dict[str, float]]:
    """Each query to every server in turn, so that a machine that slows down slows them all alike."""
    samples: dict[str, list[float]] = {name: [] for name in servers}
    for query in queries[:20]:
        for server in servers.values():
            server.search(query)
    for query in queries:
        for name, server in servers.items():
            samples[name].append(server.search(query))
    return {name: percentiles(found) for name, found in samples.items()}


def add_access_rules(corpus: Path) -> None:
    for number, folder in enumerate(sorted(p for p in corpus.iterdir() if p.is_dir())):
        group = {1: HIDDEN_GROUP, 2: READER_GROUP}.get(number % 4)
        if group:
            (folder / "_access.toml").write_text(f'access = ["{group}"]\n', encoding="utf-8")


def hidden_share(index_dir: Path) -> float:
    from sokbase import storage

    manifest = storage.read_manifest(storage.current_generation(index_dir))
    return round(manifest.access.get(HIDDEN_GROUP, 0) / max(1, manifest.passages), 3)


# ---------------------------------------------------------------- references


def tutorial_whoosh(passages: list[str], queries: list[dict], folder: Path) -> dict[str, float]:
    from whoosh import index as whoosh_index
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import QueryParser

    schema = Schema(id=ID(stored=True), content=TEXT(analyzer=StandardAnalyzer(), stored=True))
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), schema)
    started = time.perf_counter()
    writer = ix.writer()
    for number, text in enumerate(passages):
        writer.add_document(id=str(number), content=text)
    writer.commit()
    build_s = time.perf_counter() - started
    samples = []
    for query in queries:
        started = time.perf_counter()
        with ix.searcher() as searcher:
            parsed = QueryParser("content", ix.schema).parse(query["q"])
            for hit in searcher.search(parsed, limit=10):
                hit.highlights("content")
        samples.append((time.perf_counter() - started) * 1000)
    return {"build_s": round(build_s, 2), **percentiles(samples)}


def bm25s_reference(passages: list[str], queries: list[dict]) -> dict[str, float]:
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(passages, stopwords=None, show_progress=False), show_progress=False)
    build_s = time.perf_counter() - started
    samples = []
    for query in queries:
        started = time.perf_counter()
        tokens = bm25s.tokenize([plain_words(query["q"]) or "x"], stopwords=None, show_progress=False)
        retriever.retrieve(tokens, k=min(10, len(passages)), show_progress=False)
        samples.append((time.perf_counter() - started) * 1000)
    return {"build_s": round(build_s, 2), **percentiles(samples)}


def tantivy_reference(passages: list[str], queries: list[dict], folder: Path) -> dict[str, float]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True)
    schema = builder.build()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer()
    for text in passages:
        writer.add_document(tantivy.Document(text=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build_s = time.perf_counter() - started
    searcher = index.searcher()
    samples = []
    for query in queries:
        started = time.perf_counter()
        try:
            parsed = index.parse_query(plain_words(query["q"]) or "x", ["text"])
            searcher.search(parsed, 10)
        except ValueError:
            pass
        samples.append((time.perf_counter() - started) * 1000)
    return {"build_s": round(build_s, 2), **percentiles(samples)}


def optional(name: str, run) -> dict[str, float] | None:
    try:
        return run()
    except ImportError:
        print(f"  ({name} er ikke installert: pip install -e '.[bench]')", file=sys.stderr)
        return None


# ---------------------------------------------------------------- one size


def bench_size(target: int, paragraphs: list[str], work: Path, engines: dict[str, Path | str],
               clients: int, with_references: bool = True) -> list[SizeResult]:
    """Every engine on the same files and queries; the references once, on the first engine's passages."""
    corpus = work / "corpus"
    files = write_corpus(corpus, target, paragraphs)
    results = [SizeResult(target_passages=target, engine=engine, files=files) for engine in engines]
    for result, location in zip(results, engines.values()):
        print(f"[{target}] {files} filer; full indeksering i {result.engine} …", file=sys.stderr)
        result.build_s, result.build_peak_rss_mb = run_cli("index", str(corpus), "--index", str(location))
        manifest = json.loads(subprocess.run([*SOKBASE, "stats", "--index", str(location), "--json"],
                                             capture_output=True, text=True, check=True).stdout)
        result.passages = manifest["passages"]
        result.build_passages_per_s = round(result.passages / result.build_s, 1)
        result.index_mb = index_size_mb(location)
    changed = change_one_percent(corpus)
    for result, location in zip(results, engines.values()):
        print(f"[{target}] {changed} filer endret; ny indeksering i {result.engine} …", file=sys.stderr)
        result.incremental_s, _ = run_cli("index", str(corpus), "--index", str(location))
        result.incremental_fraction = round(result.incremental_s / result.build_s, 3)

    passages, municipalities = indexed_passages(next(iter(engines.values())))
    queries = make_queries(passages, municipalities)
    for result, location in zip(results, engines.values()):
        print(f"[{target}] {len(queries)} søk mot {result.engine}: én klient, så {clients} samtidig …", file=sys.stderr)
        result.warm_ms = sokbase_warm(location, queries)
        result.one_client = concurrent_search(location, queries, 1)
        result.clients = concurrent_search(location, queries, clients)
    whoosh = next((r for r in results if r.engine == "whoosh"), None)
    if whoosh is not None:  # access rules change the corpus: after every engine has been searched
        access_filter(whoosh, engines["whoosh"], corpus, queries, work)
    references = {}
    if not with_references:
        return results
    print(f"[{target}] {len(queries)} søk mot referansene …", file=sys.stderr)
    references["whoosh-tutorial"] = tutorial_whoosh(passages, queries, work / "tutorial")
    for name, run in [("bm25s", lambda: bm25s_reference(passages, queries)),
                      ("tantivy", lambda: tantivy_reference(passages, queries, work / "tantivy"))]:
        measured = optional(name, run)
        if measured:
            references[name] = measured
    shutil.rmtree(work / "tutorial", ignore_errors=True)
    shutil.rmtree(work / "tantivy", ignore_errors=True)
    for result in results:
        result.references = references
    return results


def access_filter(result: SizeResult, index_dir: Path, corpus: Path, queries: list[dict], work: Path) -> None:
    """/api/search over HTTP, an open server against --auth proxy with access rules (the Whoosh index)."""
    print(f"[{result.target_passages}] access rules added; /api/search over HTTP, open server and --auth proxy …",
          file=sys.stderr)
    open_index = work / "index-open"  # the index as it was before the rules, for the open server
    shutil.copytree(index_dir, open_index)
    add_access_rules(corpus)
    started = time.perf_counter()
    changed = json.loads(subprocess.run([*SOKBASE, "index", str(corpus), "--index", str(index_dir), "--json"],
                                        capture_output=True, text=True, check=False).stdout)
    result.access_change_s = round(time.perf_counter() - started, 2)
    result.access_refiled, result.hidden_share = changed["access_changed"], hidden_share(index_dir)
    proxy = {"SOKBASE_CORPUS": str(corpus), "SOKBASE_AUTH": "proxy", "SOKBASE_TRUSTED_PROXIES": ["127.0.0.1"]}
    servers = {"open": WebServer(open_index, {"SOKBASE_CORPUS": str(corpus)}, {}),
               "proxy": WebServer(index_dir, proxy, {"X-Forwarded-User": "bench", "X-Forwarded-Groups": READER_GROUP})}
    try:
        result.web_ms = web_search(servers, queries)
    finally:
        for server in servers.values():
            server.close()
    shutil.rmtree(open_index, ignore_errors=True)


def cold_search() -> float:
    """Median wall time of `sokbase search` on the shipped corpus, process start to last byte."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([*SOKBASE, "index", str(ROOT / "corpus"), "--index", folder], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = [run_cli("search", "bostabilitet barnefamilier", "--index", folder)[0] for _ in range(COLD_RUNS)]
    return round(statistics.median(runs), 3)


# ---------------------------------------------------------------- report


def verdicts(results: list[SizeResult], cold_s: float) -> list[tuple[str, str, bool]]:
    whoosh = [r for r in results if r.engine == "whoosh"]
    found = []
    if whoosh:
        largest = max(whoosh, key=lambda r: r.target_passages)
        found += [
            ("kald `sokbase search` ≤ 0,30 s", f"{cold_s:.3f} s", cold_s <= BUDGET["cold_search_s"]),
            (f"Whoosh: varm p50 ≤ 15 ms ({largest.passages} avsnitt)", f"{largest.warm_ms['p50']} ms",
             largest.warm_ms["p50"] <= BUDGET["warm_p50_ms"]),
            (f"Whoosh: varm p95 ≤ 60 ms ({largest.passages} avsnitt)", f"{largest.warm_ms['p95']} ms",
             largest.warm_ms["p95"] <= BUDGET["warm_p95_ms"]),
        ]
        if "whoosh-tutorial" in largest.references:
            tutorial_p95 = largest.references["whoosh-tutorial"]["p95"]
            found.append(("Whoosh: p95 minst 2× raskere enn tutorial-Whoosh", f"{tutorial_p95 / largest.warm_ms['p95']:.1f}×",
                          tutorial_p95 / largest.warm_ms["p95"] >= BUDGET["p95_vs_tutorial"]))
        found += [
            ("Whoosh: full bygging ≥ 2 000 avsnitt/s", f"{largest.build_passages_per_s:.0f}/s",
             largest.build_passages_per_s >= BUDGET["build_passages_per_s"]),
            ("Whoosh: topp-RSS ≤ 600 MB", f"{largest.build_peak_rss_mb:.0f} MB",
             largest.build_peak_rss_mb <= BUDGET["build_peak_rss_mb"]),
            ("Whoosh: 1 % endret ≤ 5 % av full bygging", f"{largest.incremental_fraction:.1%}",
             largest.incremental_fraction <= BUDGET["incremental_fraction"]),
        ]
        if largest.web_ms:
            found.append(("/api/search p95 med --auth proxy og tilgangsfilter ≤ 1,10 × åpen server",
                          f"{access_ratio(largest):.2f}×", access_ratio(largest) <= BUDGET["access_filter_p95_ratio"]))
    for r in results:
        if r.engine != "postgresql":
            continue
        if r.target_passages == 100_000:
            found.append((f"PostgreSQL: bygging ≥ 2 000 avsnitt/s ({r.passages} avsnitt)", f"{r.build_passages_per_s:.0f}/s",
                          r.build_passages_per_s >= POSTGRES_BUDGET["build_passages_per_s_100k"]))
        if r.target_passages >= 1_000_000:
            found.append((f"PostgreSQL: p95 ≤ 150 ms med én klient ({r.passages} avsnitt)", f"{r.one_client['p95']} ms",
                          r.one_client["p95"] <= POSTGRES_BUDGET["p95_ms_1m"]))
        if r.target_passages >= 1_000_000 and r.one_client:
            ratio = r.clients["qps"] / r.one_client["qps"]
            found.append((f"PostgreSQL: {CLIENTS} klienter ≥ 3× én klients søk/s ({r.passages} avsnitt)", f"{ratio:.1f}×",
                          ratio >= POSTGRES_BUDGET["throughput_ratio"]))
    return found


def access_ratio(result: SizeResult) -> float:
    return result.web_ms["proxy"]["p95"] / result.web_ms["open"]["p95"]


def markdown(results: list[SizeResult], cold_s: float) -> str:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}; load average at the end {os.getloadavg()[0]:.2f}",
        "",
        "| passages | engine | build s | passages/s | peak RSS MB | 1% changed s (share) | index MB "
        "| warm p50/p95/p99 ms | 1 client q/s (p50/p95) | "
        f"{CLIENTS} clients q/s (p50/p95) | ×1 client |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            str(r.passages), r.engine, f"{r.build_s:.1f}", f"{r.build_passages_per_s:.0f}",
            f"{r.build_peak_rss_mb:.0f}", f"{r.incremental_s:.1f} ({r.incremental_fraction:.1%})", f"{r.index_mb}",
            "/".join(str(r.warm_ms[k]) for k in ("p50", "p95", "p99")),
            f"{r.one_client['qps']} ({r.one_client['p50']}/{r.one_client['p95']})",
            f"{r.clients['qps']} ({r.clients['p50']}/{r.clients['p95']})",
            f"{r.clients['qps'] / r.one_client['qps']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| passages | tutorial-Whoosh p50/p95/p99 ms (build s) | bm25s p50/p95 ms (build s) "
                  "| tantivy p50/p95 ms (build s) |", "|---|---|---|---|"]
    for size in sorted({r.target_passages for r in results}):
        first = next(r for r in results if r.target_passages == size)
        cells = [str(first.passages)]
        for name in ("whoosh-tutorial", "bm25s", "tantivy"):
            ref = first.references.get(name)
            keys = ("p50", "p95", "p99") if name == "whoosh-tutorial" else ("p50", "p95")
            cells.append("/".join(str(ref[k]) for k in keys) + f" ({ref['build_s']})" if ref else "–")
        lines.append("| " + " | ".join(cells) + " |")
    if any(r.web_ms for r in results):
        lines += ["", "`/api/search` over HTTP (waitress, keep-alive), each query to both servers in turn: the open server "
              "on the index before access rules, and `--auth proxy` for a reader in one group, every fourth folder "
              "hidden from them:", "",
              "| passages | open p50/p95/p99 ms | --auth proxy + filter p50/p95/p99 ms | p95 ratio | hidden | "
              "rules added: re-filed files, s |", "|---|---|---|---|---|---|"]
    for r in [r for r in results if r.web_ms]:
        lines.append(f"| {r.passages} | " + " | ".join("/".join(str(r.web_ms[name][k]) for k in ("p50", "p95", "p99"))
                                                     for name in ("open", "proxy"))
                     + f" | {access_ratio(r):.2f}× | {r.hidden_share:.0%} | {r.access_refiled}, {r.access_change_s} |")
    largest = max(results, key=lambda r: (r.engine == "whoosh", r.target_passages))
    if largest.references:
        lines += ["", f"Ratios at {largest.passages} passages (sokbase ÷ reference; below 1 means sokbase is faster):", ""]
    for name, ref in largest.references.items():
        lines.append(f"- {name}: p50 {largest.warm_ms['p50'] / ref['p50']:.2f}×, p95 {largest.warm_ms['p95'] / ref['p95']:.2f}×, "
                     f"build {largest.build_s / ref['build_s']:.2f}× (sokbase's build includes parsing files)")
    pairs = [(w, p) for w in results for p in results if w.engine == "whoosh" and p.engine == "postgresql"
             and w.target_passages == p.target_passages]
    if pairs:
        lines += ["", "PostgreSQL ÷ Whoosh (below 1 means PostgreSQL is faster or smaller):", ""]
        for w, p in pairs:
            lines.append(f"- {p.passages} passages: build {p.build_s / w.build_s:.2f}×, warm p50 {p.warm_ms['p50'] / w.warm_ms['p50']:.2f}×, "
                         f"p95 {p.warm_ms['p95'] / w.warm_ms['p95']:.2f}×, {CLIENTS}-client throughput "
                         f"{p.clients['qps'] / w.clients['qps']:.2f}× (higher is better), index size {p.index_mb / w.index_mb:.2f}×")
    lines += ["", f"Cold `sokbase search` on the shipped corpus (median of {COLD_RUNS}): {cold_s:.3f} s", "",
              "| budget | measured | holds |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'ja' if ok else 'NEI'} |" for name, value, ok in verdicts(results, cold_s)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="passage counts, comma-separated")
    parser.add_argument("--large", action="store_true", help="also 1,000,000 passages")
    parser.add_argument("--engines", default="whoosh,postgresql", help="whoosh, postgresql or both (comma-separated)")
    parser.add_argument("--postgres-url", help="an empty database to use (default: a throwaway server)")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="client processes searching at once")
    parser.add_argument("--no-references", action="store_true",
                        help="leave out tutorial Whoosh, bm25s and tantivy (at 1M, tutorial Whoosh's build alone "
                             "takes a quarter of an hour)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.large else [])
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    paragraphs = source_paragraphs()
    args.out.mkdir(exist_ok=True)
    results = []
    with postgres("postgresql" in engines, args.postgres_url) as database:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix=f"sokbase-bench-{size}-") as work:
                locations = {engine: Path(work) / "index" if engine == "whoosh" else database(f"bench_{size}")
                             for engine in engines}
                found = bench_size(size, paragraphs, Path(work), locations, args.clients, not args.no_references)
            (args.out / f"bench-{size}.json").write_text(json.dumps([asdict(r) for r in found], indent=2), encoding="utf-8")
            results += found
    cold_s = cold_search()
    table = markdown(results, cold_s)
    (args.out / "bench.md").write_text(table + "\n", encoding="utf-8")
    print(table)


@contextmanager
def postgres(wanted: bool, url: str | None):
    """Databases to index into: `url` itself, or fresh ones on a throwaway server (tests/pgserver.py)."""
    if not wanted or url:
        yield lambda name: url
        return
    sys.path.insert(0, str(ROOT / "tests"))
    import pgserver

    server = pgserver.start_server(POSTGRES_SETTINGS)
    try:
        yield server.new_database
    finally:
        server.remove()


if __name__ == "__main__":
    main()
