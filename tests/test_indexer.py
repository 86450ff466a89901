"""Building an index through the Python API: what gets in, what is reported, what is kept."""
import sokbase
import sokbase.errors
from sokbase import storage
from sokbase.schema import FORMAT

NOTAT = """Notat om bostøtte

Kommunen har gjennomgått praksis for bostøtte til barnefamilier i leide boliger.

- Flere søknader behandles nå innen tre uker.
- Veiledning gis på servicetorget.
"""


def test_sidecar_gives_conference_and_municipalities_to_a_plain_text_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT, encoding="utf-8")
    (corpus / "notat.meta.toml").write_text(
        'url = "https://example.kommune.no/notat"\nmunicipalities = ["4601"]\n'
        '[conference]\nname = "Boligsosial fagdag"\ndate = "2023-03-14"\nvenue = "Bergen"\n',
        encoding="utf-8",
    )
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert report.exit_code == 0
    with sokbase.open_index(tmp_path / "index") as index:
        hit = index.search("bostøtte barnefamilier").hits[0]
    assert hit.title == "Notat om bostøtte"
    assert hit.url == "https://example.kommune.no/notat"
    assert [m.name for m in hit.municipalities] == ["Bergen"]
    assert hit.conference.name == "Boligsosial fagdag" and hit.conference.date == "2023-03-14"
    assert "• Flere søknader behandles nå innen tre uker." in hit.text


def test_unknown_kommune_in_sidecar_is_reported_not_guessed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT, encoding="utf-8")
    (corpus / "notat.meta.toml").write_text('municipalities = ["9999"]\n', encoding="utf-8")
    (corpus / "annet.txt").write_text(NOTAT, encoding="utf-8")
    report = sokbase.build_index(corpus, tmp_path / "index")
    assert report.exit_code == 3
    assert [(f.source, f.reason) for f in report.failures] == [
        ("notat.txt", "ugyldig metadatafil notat.meta.toml: ukjent kommune «9999»")
    ]


def test_rebuild_switches_generation_and_keeps_the_one_before(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT, encoding="utf-8")
    index_dir = tmp_path / "index"
    for _ in range(3):
        sokbase.build_index(corpus, index_dir, full=True)
    assert storage.current_generation(index_dir).name == "gen-000003"
    assert sorted(p.name for p in index_dir.glob("gen-*")) == ["gen-000002", "gen-000003"]


def test_index_from_another_schema_version_asks_for_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT, encoding="utf-8")
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    manifest_path = storage.current_generation(index_dir) / storage.MANIFEST
    manifest_path.write_text(manifest_path.read_text().replace(f'"{FORMAT}"', '"schema-0/analyzer-0"'))
    try:
        sokbase.open_index(index_dir)
    except sokbase.errors.IndexOutdatedError as error:
        assert "sokbase index" in str(error)
    else:
        raise AssertionError("an outdated index was opened")


def test_files_with_the_same_name_can_have_their_own_sidecars(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT, encoding="utf-8")
    (corpus / "notat.md").write_text("# Notat om bomiljø\n\nBomiljø og trygghet i Stovner.\n", encoding="utf-8")
    (corpus / "notat.txt.meta.toml").write_text('url = "https://example.no/txt"\n', encoding="utf-8")
    (corpus / "notat.meta.toml").write_text('url = "https://example.no/felles"\n', encoding="utf-8")
    sokbase.build_index(corpus, tmp_path / "index")
    with sokbase.open_index(tmp_path / "index") as index:
        assert index.search("bostøtte").hits[0].url == "https://example.no/txt"
        assert index.search("bomiljø Stovner").hits[0].url == "https://example.no/felles"


def test_a_stray_private_use_character_neither_hides_text_nor_bloats_the_index(tmp_path):
    from whoosh import index as whoosh_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # PDFs map unknown glyphs to the private-use area; sokbase joins a passage's parts with one.
    text = NOTAT.replace("Kommunen har", "Kommunen\ue000 har").replace("om bostøtte", "om\ue000bostøtte", 1)
    (corpus / "notat.txt").write_text(text, encoding="utf-8")
    index_dir = tmp_path / "index"
    assert sokbase.build_index(corpus, index_dir).exit_code == 0
    with sokbase.open_index(index_dir) as index:
        assert index.search("gjennomgått praksis").hits  # the words after the character
        assert index.search("tittel:bostøtte").hits  # also in a title
    with whoosh_index.open_dir(str(storage.current_generation(index_dir))).searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    # Titles and headings are stored as the text, not with the tokens the workers worked out.
    assert stored and all(type(fields["title"]) is str and type(fields["heading"]) is str for fields in stored)


def test_a_word_only_in_a_title_is_suggested_as_the_title_writes_it(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(NOTAT.replace("Notat om", "Saksnotat om"), encoding="utf-8")
    sokbase.build_index(corpus, tmp_path / "index")
    with sokbase.open_index(tmp_path / "index") as index:
        assert index.search("saksnotatt").suggestions == ["saksnotat"]


def test_a_file_moved_onto_a_removed_files_path_takes_its_place(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(NOTAT, encoding="utf-8")
    (corpus / "b.txt").write_text(NOTAT.replace("bostøtte", "barnevern"), encoding="utf-8")
    index_dir = tmp_path / "index"
    sokbase.build_index(corpus, index_dir)
    (corpus / "b.txt").unlink()
    (corpus / "a.txt").rename(corpus / "b.txt")
    report = sokbase.build_index(corpus, index_dir)
    assert (report.renamed, report.removed, report.documents) == (1, 1, 1)
    with sokbase.open_index(index_dir) as index:
        assert [hit.source for hit in index.search("bostøtte").hits] == ["b.txt"]
        assert index.search("barnevern").hits == []  # before, the replaced file's passages stayed


def test_workers_start_only_for_files_to_parse(corpus_copy, tmp_path, monkeypatch):
    """Worker processes cost a second and their memory each: an unchanged run starts none, a run that
    changes one file starts one, however many jobs are allowed."""
    from sokbase import workers

    index_dir = tmp_path / "index"
    assert sokbase.build_index(corpus_copy, index_dir, jobs=4).exit_code == 0
    started = []

    class Counted(workers._Worker):
        def __init__(self, *args):
            started.append(args)
            super().__init__(*args)

    monkeypatch.setattr(workers, "_Worker", Counted)
    assert sokbase.build_index(corpus_copy, index_dir, jobs=4).mode == "unchanged" and started == []
    (corpus_copy / "ny.md").write_text("# Bostøtte\n\nBostøtte til barnefamilier i Løvstakken.\n", encoding="utf-8")
    report = sokbase.build_index(corpus_copy, index_dir, jobs=4)
    assert report.mode == "incremental" and report.documents == 6 and len(started) == 1
