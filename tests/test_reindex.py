"""Re-indexing as cron runs it: incremental, one writer at a time, never leaving a broken index."""
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner

import sokbase
from sokbase import storage
from sokbase.cli import cli
from sokbase.indexer import KILL_AT_VARIABLE
from sokbase.locking import EXIT_BUSY, IndexLock
from sokbase.models import doc_id_for

ANIMALS = {"a.txt": "ekorn", "b.txt": "elg", "c.txt": "gaupe", "d.txt": "jerv"}
# Lovdata, NLOD 2.0: see fixtures/lover-bare-tittel/LICENSE. Its text is its title and two empty parts.
TITLE_ONLY_LAW = Path(__file__).parent / "fixtures" / "lover-bare-tittel" / "lov-2025-06-20-42.md"


def note(animal: str) -> str:
    return f"Notat om {animal}\n\nKommunen har registrert {animal} i området ved skolen og barnehagen denne uken.\n"


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    for name, animal in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(note(animal), encoding="utf-8")
        age(path)
    return folder


def age(path: Path) -> None:
    """Give a file an mtime a minute old, as files have by the time a nightly run sees them."""
    past = time.time() - 60
    os.utime(path, (past, past))


def sources(index_dir: Path, query: str) -> set[str]:
    with sokbase.open_index(index_dir) as index:
        return {hit.source for hit in index.search(query, limit=100).hits}


def all_passages(index_dir: Path) -> list[tuple]:
    with sokbase.open_index(index_dir) as index:
        hits = index.search("kommunen", limit=1000).hits
    return sorted((h.passage_id, h.doc_id, h.source, h.title, h.text, h.heading, h.municipalities) for h in hits)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_process(corpus: Path, index_dir: Path, *args, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(KILL_AT_VARIABLE, None)
    if kill_at:
        env[KILL_AT_VARIABLE] = kill_at
    command = [sys.executable, "-m", "sokbase", "index", str(corpus), "--index", str(index_dir), "--jobs", "1", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_incremental_run_reflects_added_changed_renamed_deleted_and_broken_files(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    assert sokbase.build_index(corpus, index_dir).exit_code == 0

    write_corpus(corpus, {"e.txt": "oter", "b.txt": "rådyr"})
    (corpus / "sub").mkdir()
    (corpus / "c.txt").rename(corpus / "sub" / "c2.txt")
    (corpus / "d.txt").unlink()
    (corpus / "skadet.pdf").write_bytes(b"%PDF-1.4\nikke en ekte pdf")
    parsed = []
    report = sokbase.build_index(corpus, index_dir, progress=lambda path, failure: parsed.append(path.name))

    # Each file counted once: the broken new file as failed, not also as added.
    assert (report.added, report.updated, report.renamed, report.removed, report.unchanged) == (1, 1, 1, 1, 1)
    assert sorted(parsed) == ["b.txt", "e.txt", "skadet.pdf"]  # the moved file is not read again
    assert [f.source for f in report.failures] == ["skadet.pdf"] and report.exit_code == 3
    assert sources(index_dir, "oter") == {"e.txt"}
    assert sources(index_dir, "rådyr") == {"b.txt"} and sources(index_dir, "elg") == set()
    assert sources(index_dir, "jerv") == set()
    assert sources(index_dir, "ekorn") == {"a.txt"}
    with sokbase.open_index(index_dir) as index:
        moved = index.search("gaupe").hits
    assert [(h.source, h.doc_id) for h in moved] == [("sub/c2.txt", doc_id_for("sub/c2.txt"))]
    assert moved[0].passage_id.startswith(doc_id_for("sub/c2.txt") + "-")

    rebuilt = tmp_path / "rebuilt"
    sokbase.build_index(corpus, rebuilt, full=True)
    assert all_passages(index_dir) == all_passages(rebuilt)


def test_a_run_with_nothing_changed_reads_nothing_and_keeps_the_generation(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    first = sokbase.build_index(corpus, index_dir)
    (corpus / "a.txt").touch()  # a new mtime, the same content: hashed, not parsed
    age(corpus / "a.txt")
    parsed = []
    second = sokbase.build_index(corpus, index_dir, progress=lambda path, failure: parsed.append(path))
    third = sokbase.build_index(corpus, index_dir, progress=lambda path, failure: parsed.append(path))
    assert parsed == []
    assert second.unchanged == 4 and third.mode == "unchanged"
    assert third.generation == second.generation != first.generation
    assert storage.current_generation(index_dir).name == third.generation


def test_a_full_rebuild_reads_every_file_again(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    result = run("index", corpus, "--index", index_dir, "--full", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 4
    assert sources(index_dir, "ekorn") == {"a.txt"}


def test_files_over_the_size_or_time_limit_are_reported_and_the_rest_indexed(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    paragraph = "Kommunen har registrert oter ved skolen, og bydelen følger opp med nye tiltak for barna. " * 8
    (corpus / "treg.txt").write_text("Langt notat\n\n" + "\n\n".join([paragraph] * 3000), encoding="utf-8")
    (corpus / "stor.txt").write_text(note("bever") + "x" * 4_000_000, encoding="utf-8")
    index_dir, report_file = tmp_path / "index", tmp_path / "rapport.json"

    result = run("index", corpus, "--index", index_dir, "--timeout", "0.25", "--max-file-mb", "3",
                 "--report", report_file)
    assert result.exit_code == 3, result.output
    report = json.loads(report_file.read_text(encoding="utf-8"))
    reasons = {f["source"]: f["reason"] for f in report["failures"]}
    assert set(reasons) == {"treg.txt", "stor.txt"}
    assert "tok mer enn 0.25 s" in reasons["treg.txt"] and "for stor" in reasons["stor.txt"]
    assert "Kunne ikke lese treg.txt" in result.output
    assert sources(index_dir, "ekorn") == {"a.txt"}

    # A time-out says nothing about the file, so the next run tries it again; a size does.
    parsed = []
    again = sokbase.build_index(corpus, index_dir, timeout=0.25, max_file_mb=3,
                                progress=lambda path, failure: parsed.append(path.name))
    assert parsed == ["treg.txt"] and [f.source for f in again.failures] == ["stor.txt", "treg.txt"]


def test_a_second_job_exits_with_its_own_code_or_waits(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    with IndexLock(index_dir):
        busy = run("index", corpus, "--index", index_dir)
        started = time.monotonic()
        waited = run("index", corpus, "--index", index_dir, "--wait", "0.5")
        assert time.monotonic() - started >= 0.5
    assert busy.exit_code == EXIT_BUSY == 75 and waited.exit_code == EXIT_BUSY
    assert "En annen indeksering" in busy.output and str(os.getpid()) in busy.output
    assert not index_dir.joinpath(storage.CURRENT).exists()

    holder = IndexLock(index_dir).__enter__()
    threading.Timer(0.5, holder.__exit__, (None, None, None)).start()
    patient = run("index", corpus, "--index", index_dir, "--wait")
    assert patient.exit_code == 0, patient.output
    assert sources(index_dir, "elg") == {"b.txt"}


def test_a_run_killed_at_any_point_leaves_the_old_index_and_the_next_run_recovers(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    assert run_process(corpus, index_dir).returncode == 0
    live = "elg"
    for point, animal in [("parsing", "rådyr"), ("commit", "oter"), ("committed", "bever"), ("manifest", "hare")]:
        write_corpus(corpus, {"b.txt": animal})
        before = set(index_dir.glob("gen-*"))
        killed = run_process(corpus, index_dir, kill_at=point)
        assert killed.returncode == -9, (point, killed.stderr)
        assert sources(index_dir, live) == {"b.txt"} and sources(index_dir, animal) == set(), point
        [half_built] = set(index_dir.glob("gen-*")) - before

        recovered = run_process(corpus, index_dir)
        assert recovered.returncode == 0, (point, recovered.stderr)
        assert "Tok over låsen etter en indeksering som ble avbrutt" in recovered.stderr
        assert f"Fjernet {half_built.name}, som en avbrutt indeksering ikke gjorde ferdig" in recovered.stderr
        assert sources(index_dir, animal) == {"b.txt"} and sources(index_dir, live) == set(), point
        live = animal


SEARCH_LOOP = """
import sys, time, sokbase
index_dir, seconds = sys.argv[1], float(sys.argv[2])
kept = sokbase.open_index(index_dir)   # like the web: one reader kept open across re-indexing
first = kept.search("kommunen", limit=1000).total
seen, end = set(), time.monotonic() + seconds
while time.monotonic() < end:
    with sokbase.open_index(index_dir) as fresh:   # like the CLI: a new reader per search
        seen.add(fresh.search("kommunen", limit=1000).total)
    assert kept.search("kommunen", limit=1000).total == first
print(sorted(seen))
"""


def test_searches_during_re_indexing_see_either_the_old_or_the_new_index(tmp_path):
    small = {f"notat-{n:02d}.txt": f"dyr{n:02d}" for n in range(20)}
    large = small | {f"ny/notat-{n:02d}.txt": f"dyr{n:02d}" for n in range(20, 30)}
    corpus = write_corpus(tmp_path / "corpus", small)
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    searcher = subprocess.Popen([sys.executable, "-c", SEARCH_LOOP, str(index_dir), "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        write_corpus(corpus, large)
        sokbase.build_index(corpus, index_dir)
        shutil.rmtree(corpus / "ny")
        sokbase.build_index(corpus, index_dir, full=True)
    out, err = searcher.communicate(timeout=60)
    assert searcher.returncode == 0, err
    seen = set(json.loads(out))
    assert seen and seen <= {20, 30}
    assert len(list(index_dir.glob("gen-*"))) == storage.KEEP_GENERATIONS


def test_an_empty_or_missing_corpus_never_empties_the_index(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    for path in corpus.iterdir():
        path.unlink()
    result = run("index", corpus, "--index", index_dir)
    assert result.exit_code == 1
    assert sources(index_dir, "ekorn") == {"a.txt"}


def test_a_changed_files_old_passage_never_comes_back_while_whoosh_keeps_it_marked_deleted(tmp_path):
    from whoosh import index as whoosh_index

    animals = {f"notat{n:02}.txt": f"elg nummer {n}" for n in range(40)}
    corpus = write_corpus(tmp_path / "corpus", animals)
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    write_corpus(corpus, {"notat07.txt": "rådyr"})
    sokbase.build_index(corpus, index_dir)
    # Whoosh leaves the first run's segment in place and only marks notat07's old passage deleted;
    # every kind of search must still leave it out.
    reader = whoosh_index.open_dir(str(storage.current_generation(index_dir))).reader()
    assert reader.has_deletions()
    with sokbase.open_index(index_dir) as index:
        for query in ("elg", "elg nummer", "elg OR jerv", "el*", "elg rådyr", "\"nummer 7\""):
            results = index.search(query, limit=100)
            assert ("notat07.txt" in {h.source for h in results.hits}) == ("rådyr" in query), query
        assert index.search("elg", limit=5).total == 39
        assert index.search("elg NOT registrert").hits == []  # every note says "registrert"
        assert [h.source for h in index.search("rådyr").hits] == ["notat07.txt"]


def test_a_segment_mostly_deleted_by_changes_is_rewritten_without_them(tmp_path):
    from whoosh import index as whoosh_index

    corpus = write_corpus(tmp_path / "corpus", {f"notat{n}.txt": f"elg nummer {n}" for n in range(8)})
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    write_corpus(corpus, {f"notat{n}.txt": f"rådyr nummer {n}" for n in range(3)})  # 3 of 8 changed
    sokbase.build_index(corpus, index_dir)
    whoosh = whoosh_index.open_dir(str(storage.current_generation(index_dir)))
    assert not whoosh.reader().has_deletions() and len(whoosh.reader().leaf_readers()) == 1
    assert sources(index_dir, "elg") == {f"notat{n}.txt" for n in range(3, 8)}
    assert sources(index_dir, "rådyr") == {f"notat{n}.txt" for n in range(3)}


def test_removing_files_leaves_no_empty_segments_behind(tmp_path):
    from whoosh import index as whoosh_index

    corpus = write_corpus(tmp_path / "corpus", {f"notat{n:02}.txt": f"elg nummer {n}" for n in range(40)})
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    for _ in range(3):
        write_corpus(corpus, {"ny.txt": "rådyr"})
        sokbase.build_index(corpus, index_dir)
        (corpus / "ny.txt").unlink()
        sokbase.build_index(corpus, index_dir)
    reader = whoosh_index.open_dir(str(storage.current_generation(index_dir))).reader()
    assert [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()] == [40]
    assert sources(index_dir, "rådyr") == set() and len(sources(index_dir, "elg")) == 40


def corpus_with_title_only_law(folder: Path) -> Path:
    write_corpus(folder, {"a.txt": "ekorn"})
    shutil.copy2(TITLE_ONLY_LAW, folder / TITLE_ONLY_LAW.name)
    return folder


def test_a_law_of_only_its_title_is_found_by_it_and_the_next_run_is_clean(tmp_path):
    corpus = corpus_with_title_only_law(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    first = run("index", corpus, "--index", index_dir)
    assert first.exit_code == 0, first.output
    assert "2 nye, 0 endret, 0 flyttet, 0 fjernet, 0 uendret, 0 feilet" in first.output
    title = ("Lov om endringar i krisesenterlova (tydeleggjering av det kommunale ansvaret og grunnlag for "
             "behandling av personopplysningar m.m.)")
    with sokbase.open_index(index_dir) as index:
        hits = index.search(title).hits
    assert [(hit.source, hit.title, hit.text) for hit in hits] == [(TITLE_ONLY_LAW.name, title, title)]

    second = run("index", corpus, "--index", index_dir)
    assert second.exit_code == 0, second.output
    assert "Kunne ikke lese" not in second.output
    assert "0 fjernet, 2 uendret, 0 feilet" in second.output and "Ingen endringer" in second.output


def test_a_file_with_no_text_is_reported_on_every_run_and_counted_once(tmp_path):
    corpus = corpus_with_title_only_law(tmp_path / "corpus")
    (corpus / "tom-side.html").write_text("<html><head></head><body><main> </main></body></html>", encoding="utf-8")
    age(corpus / "tom-side.html")
    index_dir = tmp_path / "index"
    for counts in ("2 nye, 0 endret, 0 flyttet, 0 fjernet, 0 uendret, 1 feilet",
                   "0 nye, 0 endret, 0 flyttet, 0 fjernet, 2 uendret, 1 feilet"):
        result = run("index", corpus, "--index", index_dir)
        assert result.exit_code == 3
        assert "Kunne ikke lese tom-side.html: ingen tekst funnet" in result.output
        assert counts in result.output


def test_files_read_by_an_older_sokbase_are_read_again_once(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    catalog = storage.current_generation(index_dir) / storage.CATALOG
    data = json.loads(catalog.read_text(encoding="utf-8"))
    for entry in data["files"]:
        del entry["extraction"]  # as the catalog of an index from before EXTRACTION_VERSION
    catalog.write_text(json.dumps(data), encoding="utf-8")

    parsed = []
    again = sokbase.build_index(corpus, index_dir, progress=lambda path, failure: parsed.append(path.name))
    third = sokbase.build_index(corpus, index_dir, progress=lambda path, failure: parsed.append(path.name))
    assert sorted(parsed) == sorted(ANIMALS) and again.exit_code == 0
    assert "4 uendrede filer ble lest på nytt fordi denne versjonen av sokbase leser filer annerledes." in again.notices
    assert third.mode == "unchanged" and sources(index_dir, "gaupe") == {"c.txt"}
