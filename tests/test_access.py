"""Access rules: how they are read and stored when indexing, and what a reader of the web page may
find through SearchIndex.for_reader. The rule of the tests: a reader sees the index exactly as if
the documents hidden from them were not in it."""
import json
import os
import shutil
import time

import pytest

import sokbase
from sokbase import storage
from sokbase.errors import PassageNotFoundError
from sokbase.models import doc_id_for

from conftest import ACCESS_FILES, ACCESS_RULES, write_access_corpus

FELLES, BARNEVERN, LEDELSE = "felles/rutiner.txt", "barnevern/saker/fosterhjem.txt", "ledelse/omstillingsplan.txt"
EVERY = {FELLES, BARNEVERN, LEDELSE}


def stored_access(index_dir) -> dict[str, str]:
    """source → the access field stored with its passages."""
    with sokbase.open_index(index_dir) as index:
        return {fields["source"]: fields["access"] for fields in index.engine.documents()}


def sources(results) -> set[str]:
    return {hit.source for hit in results.hits}


def age(path) -> None:
    past = time.time() - 60
    os.utime(path, (past, past))


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    age(path)


@pytest.fixture
def parsed(monkeypatch):
    """The files each build_index run in this test sends to be parsed."""
    from sokbase import indexer

    seen: list[str] = []
    real = indexer.parse_all

    def spy(paths, corpus, limits, analysis):
        seen.extend(path.relative_to(corpus).as_posix() for path in paths)
        return real(paths, corpus, limits, analysis)

    monkeypatch.setattr(indexer, "parse_all", spy)
    return seen


# ---------------------------------------------------------------------- rules, as indexed


def test_a_folder_rule_holds_for_its_subfolders_and_no_rule_is_everyone(access_index):
    _, index_dir = access_index
    assert stored_access(index_dir) == {FELLES: "*", BARNEVERN: "barnevern", LEDELSE: "ledelse"}
    manifest = storage.read_manifest(storage.current_generation(index_dir))
    assert set(manifest.access) == {"*", "barnevern", "ledelse"} and sum(manifest.access.values()) == manifest.passages
    catalog = storage.read_catalog(storage.current_generation(index_dir))
    assert catalog[BARNEVERN].access_rule == "barnevern/_access.toml" and catalog[FELLES].access_rule is None


def test_the_nearest_rule_wins_and_a_sidecar_nearest_of_all(tmp_path):
    corpus = write_access_corpus(tmp_path / "corpus", rules={
        "_access.toml": 'access = ["ansatte"]\n',
        "barnevern/_access.toml": 'access = ["barnevern", "Ledelse"]\n',
        "felles/_access.toml": 'access = ["*"]\n',
        "ledelse/omstillingsplan.meta.toml": 'publisher = "Ledelsen"\naccess = ["styret"]\n',
    })
    assert sokbase.build_index(corpus, tmp_path / "index").exit_code == 0
    assert stored_access(tmp_path / "index") == {FELLES: "*", BARNEVERN: "barnevern,ledelse", LEDELSE: "styret"}


LIST = 'access må være en liste med minst én gruppe, f.eks. access = ["barnevern"]'


@pytest.mark.parametrize("rule, line, why", [
    ('access = "barnevern"\n', 1, LIST),
    ('# bare barnevernet\naccess = []\n', 2, LIST),
    ('access = ["barnevern", 7]\n', 1, "«7» er ikke et gruppenavn (tekst uten komma)"),
    ('access = ["barnevern,ledelse"]\n', 1, "«barnevern,ledelse» er ikke et gruppenavn (tekst uten komma)"),
    ('access = ["barnevern"\n', 1, "feil i TOML-oppsettet"),
    ('\nacess = ["barnevern"]\n', 2, "ukjent felt «acess» (bare access er tillatt)"),
])
def test_a_broken_rule_names_its_file_and_line_and_keeps_its_documents_out(tmp_path, rule, line, why):
    corpus = write_access_corpus(tmp_path / "corpus")
    assert sokbase.build_index(corpus, tmp_path / "index").exit_code == 0
    write(corpus / "barnevern" / "_access.toml", rule)
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert report.exit_code == 3
    assert [(f.source, f.reason) for f in report.failures] == [
        (BARNEVERN, f"ugyldig tilgangsregel i barnevern/_access.toml, linje {line}: {why}")]
    # Never indexed open to all: out of the index, for the command line too, until the rule is fixed.
    assert stored_access(tmp_path / "index") == {FELLES: "*", LEDELSE: "ledelse"}
    again = sokbase.build_index(corpus, tmp_path / "index")
    assert again.mode == "unchanged" and [f.source for f in again.failures] == [BARNEVERN]
    write(corpus / "barnevern" / "_access.toml", 'access = ["barnevern"]\n')
    fixed = sokbase.build_index(corpus, tmp_path / "index")
    assert fixed.exit_code == 0 and stored_access(tmp_path / "index")[BARNEVERN] == "barnevern"


def test_a_broken_rule_in_a_sidecar_names_the_sidecar_and_line(tmp_path):
    corpus = write_access_corpus(tmp_path / "corpus")
    write(corpus / "felles" / "rutiner.meta.toml", 'publisher = "Bydelen"\naccess = "alle"\n')
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert [(f.source, f.reason) for f in report.failures] == [
        (FELLES, f"ugyldig tilgangsregel i felles/rutiner.meta.toml, linje 2: {LIST}")]
    assert FELLES not in stored_access(tmp_path / "index")


# ---------------------------------------------------------------------- a changed rule, without reading the file


def test_a_changed_folder_rule_is_refiled_without_reading_the_files(tmp_path, parsed):
    corpus = write_access_corpus(tmp_path / "corpus")
    first = sokbase.build_index(corpus, tmp_path / "index")
    assert sorted(parsed) == sorted(EVERY)
    parsed.clear()
    write(corpus / "barnevern" / "_access.toml", 'access = ["*"]\n')
    write(corpus / "ledelse" / "_access.toml", 'access = ["ledelse", "styret"]\n')
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert parsed == []
    assert (report.mode, report.access_changed, report.updated, report.added, report.removed) == ("incremental", 2, 0, 0, 0)
    assert report.generation != first.generation and report.passages == first.passages
    assert stored_access(tmp_path / "index") == {FELLES: "*", BARNEVERN: "*", LEDELSE: "ledelse,styret"}
    with sokbase.open_index(tmp_path / "index") as index:
        assert sources(index.for_reader([]).search("fosterhjem")) == {BARNEVERN}
        assert sources(index.for_reader(["styret"]).search("nedbemanning")) == {LEDELSE}
        # The re-filed passages are found as before: same ids, same words, highlighted.
        hit = index.for_reader(["styret"]).search("nedbemanning").hits[0]
        assert hit.passage_id.startswith(doc_id_for(LEDELSE)) and "nedbemanning" in hit.snippet.lower()
    (corpus / "ledelse" / "_access.toml").unlink()
    removed_rule = sokbase.build_index(corpus, tmp_path / "index")
    assert parsed == [] and removed_rule.access_changed == 1
    assert stored_access(tmp_path / "index")[LEDELSE] == "*"


def test_a_rule_changed_in_a_sidecar_is_refiled_but_other_sidecar_changes_read_the_file(tmp_path, parsed):
    corpus = write_access_corpus(tmp_path / "corpus")
    write(corpus / "felles" / "rutiner.meta.toml", 'publisher = "Bydelen"\n')
    sokbase.build_index(corpus, tmp_path / "index")
    parsed.clear()
    write(corpus / "felles" / "rutiner.meta.toml", 'publisher = "Bydelen"\naccess = ["ledelse"]\n')
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert parsed == [] and (report.access_changed, report.updated) == (1, 0)
    assert stored_access(tmp_path / "index")[FELLES] == "ledelse"
    write(corpus / "felles" / "rutiner.meta.toml", 'publisher = "Bydel Gamle Oslo"\naccess = ["ledelse"]\n')
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert parsed == [FELLES] and report.updated == 1
    assert stored_access(tmp_path / "index")[FELLES] == "ledelse"  # the rule stays with the re-read file


def test_a_file_moved_into_another_folder_takes_that_folders_rule(tmp_path, parsed):
    corpus = write_access_corpus(tmp_path / "corpus")
    sokbase.build_index(corpus, tmp_path / "index")
    parsed.clear()
    (corpus / "ledelse" / "rutiner.txt").write_bytes((corpus / FELLES).read_bytes())
    age(corpus / "ledelse" / "rutiner.txt")
    (corpus / FELLES).unlink()
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert parsed == [] and report.renamed == 1
    assert stored_access(tmp_path / "index")["ledelse/rutiner.txt"] == "ledelse"
    with sokbase.open_index(tmp_path / "index") as index:
        assert index.for_reader([]).search("lekeplass").total == 0
        assert sources(index.for_reader(["ledelse"]).search("lekeplass")) == {"ledelse/rutiner.txt"}


# ---------------------------------------------------------------------- what a reader finds

QUERIES = [
    "bostøtte", "samarbeid", "bostøtte samarbeid", "fosterhjem", "nedbemanning", "kantine", "Fiskeørn",
    "Hemmelig omstillingsplan for Nordbyen", "omstillingsplan", "nedbemaning", "fosterhjm", "kantate", "kantine Oslo",
    '"kantine og bostøtte"', "nedbem*", "fost*", "bostøtte kommune:Tromsø", "samarbeid kommune:Bergen", "bostøtte -Oslo",
    "bostøtte ELLER nedbemanning", "tittel:omstillingsplan", "tolv stillinger",
]
FILTERS = [{}, {"kommune": "Tromsø"}, {"kommune": "Bergen"}, {"kommune": "Oslo"}, {"doc_type": "text"}]
READERS = [((), {BARNEVERN, LEDELSE}), (("Barnevern",), {LEDELSE}), (("ledelse", "økonomi"), {BARNEVERN})]


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    """The index of the access corpus without the given files, built once per set of files."""
    built = {}

    def index_without(hidden: frozenset[str]):
        if hidden not in built:
            root = tmp_path_factory.mktemp("without")
            files = {name: text for name, text in ACCESS_FILES.items() if name not in hidden}
            corpus = write_access_corpus(root / "corpus", files, rules={})
            assert sokbase.build_index(corpus, root / "index").exit_code == 0
            built[hidden] = root / "index"
        return built[hidden]

    return index_without


@pytest.mark.parametrize("groups, hidden", READERS)
def test_a_reader_sees_the_index_as_if_hidden_documents_were_not_there(access_index, without, groups, hidden):
    """Hits, totals, facets, suggestions and how a title in the query is read: all as in an index that
    never held the hidden files (only the order may differ, as the ranking counts words over all)."""
    _, index_dir = access_index
    with sokbase.open_index(index_dir) as full, sokbase.open_index(without(frozenset(hidden))) as absent:
        reader = full.for_reader(groups)
        assert reader.size() == (absent.manifest.documents, absent.manifest.passages)
        for query in QUERIES:
            for filters in FILTERS:
                mine, theirs = reader.search(query, limit=50, **filters), absent.search(query, limit=50, **filters)
                assert not sources(mine) & hidden, (query, filters)
                assert (mine.total, mine.total_exact, mine.matched_all_terms, mine.suggestions, mine.notice) == \
                       (theirs.total, theirs.total_exact, theirs.matched_all_terms, theirs.suggestions, theirs.notice), \
                       (query, filters)
                assert sorted(h.passage_id for h in mine.hits) == sorted(h.passage_id for h in theirs.hits), (query, filters)
                assert reader.facets(query, **filters) == absent.facets(query, **filters), (query, filters)


def test_the_whole_index_would_have_told_what_the_reader_is_not_told(access_index):
    """The same questions without a reader: the hidden documents are there to be found, so the test
    above would fail if for_reader passed them on."""
    _, index_dir = access_index
    with sokbase.open_index(index_dir) as index:
        assert sources(index.search("bostøtte")) == EVERY
        assert index.search("nedbemaning").suggestions == ["nedbemanning"]
        assert index.for_reader(["barnevern"]).search("nedbemaning").suggestions == []
        assert index.search("kantine").suggestions == [] and index.for_reader([]).search("kantine").suggestions == ["kantate"]
        assert {v.label for v in index.facets("bostøtte").kommune} == {"Oslo", "Bergen", "Tromsø"}
        assert index.search("Hemmelig omstillingsplan for Nordbyen").hits[0].source == LEDELSE


def test_a_hidden_document_or_passage_is_as_unknown_as_one_that_does_not_exist(access_index):
    _, index_dir = access_index
    with sokbase.open_index(index_dir) as index:
        reader = index.for_reader(["barnevern"])
        secret = index.search("nedbemanning").hits[0]
        assert reader.document(secret.doc_id) is None and reader.document("0123456789ab") is None
        for passage_id in (secret.passage_id, "0123456789ab-0"):
            with pytest.raises(PassageNotFoundError) as raised:
                reader.passage(passage_id)
            assert str(raised.value) == f"Fant ikke avsnittet «{passage_id}» i indeksen."
            with pytest.raises(PassageNotFoundError):
                reader.similar(passage_id)
        own = index.search("fosterhjem").hits[0]
        assert reader.document(own.doc_id).info.source == BARNEVERN
        assert not {hit.source for hit in reader.similar(own.passage_id, limit=20)} & {LEDELSE}
        assert LEDELSE in {hit.source for hit in index.similar(own.passage_id, limit=20)}  # there to be found


def test_a_reader_who_may_see_everything_searches_the_index_unfiltered(access_index):
    _, index_dir = access_index
    with sokbase.open_index(index_dir) as index:
        everyone = index.for_reader(["barnevern", "ledelse"])
        assert everyone.engine is index.engine and everyone.size() == (3, index.manifest.passages)
        assert index.for_reader(["barnevern"]).engine is not index.engine


def test_an_index_without_rules_is_searched_unfiltered_by_anyone(corpus_index):
    with sokbase.open_index(corpus_index) as index:
        assert set(index.manifest.access) == {"*"}
        anonymous = index.for_reader([])
        assert anonymous.engine is index.engine
        assert anonymous.search("barnefamilier").total == index.search("barnefamilier").total == 2
