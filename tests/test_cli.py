"""The command line as a caseworker uses it, over the shipped corpus."""
import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbase.cli import cli

from conftest import CONFERENCE_2020, CORPUS, POLICY_PAGE, PROGRAMME_2024


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def search_json(corpus_index, *args):
    result = run("search", *args, "--index", corpus_index, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_bostabilitet_barnefamilier_finds_the_trondheim_passage_of_2024_first(corpus_index):
    data = search_json(corpus_index, "bostabilitet barnefamilier")
    top = data["hits"][0]
    assert top["source"] == PROGRAMME_2024
    assert "Trondheim" in top["text"] and "barnefamilier" in top["text"]
    assert top["conference"]["year"] == 2024
    assert top["conference"]["date"] == "2024-09-27"
    assert {"name": "Trondheim", "number": "5001"} in top["municipalities"]
    assert top["page"] >= 1


def test_unquoted_words_are_one_query(corpus_index):
    quoted = search_json(corpus_index, "bostabilitet barnefamilier")
    unquoted = search_json(corpus_index, "bostabilitet", "barnefamilier")
    assert unquoted["query"] == "bostabilitet barnefamilier"
    assert [h["passage_id"] for h in unquoted["hits"]] == [h["passage_id"] for h in quoted["hits"]]


def test_json_hits_carry_the_documented_schema(corpus_index):
    data = search_json(corpus_index, "områdeløft")
    assert set(data) >= {"query", "total", "hits"}
    required = {"rank", "score", "passage_id", "doc_id", "title", "source", "url", "doc_type", "page",
                "heading", "text", "snippet", "conference", "municipalities"}
    for rank, hit in enumerate(data["hits"], start=1):
        assert required <= set(hit)
        assert hit["rank"] == rank
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].lower().startswith("områdeløft")


def test_frivilligbors_names_drammen(corpus_index):
    result = run("search", "Frivilligbørs", "--index", corpus_index)
    assert result.exit_code == 0
    first_hit = result.output.split("\n\n")[1]
    assert "Drammen (3301)" in first_hit


def test_paneldebatt_names_the_2020_conference(corpus_index):
    data = search_json(corpus_index, "paneldebatt")
    top = data["hits"][0]
    assert top["source"] == CONFERENCE_2020
    assert top["conference"]["name"] == "Erfaringskonferanse om områdesatsinger 2020"
    assert top["conference"]["year"] == 2020


def test_policy_page_has_no_conference(corpus_index):
    data = search_json(corpus_index, "sosial bærekraft utsatte byområder")
    policy = [hit for hit in data["hits"] if hit["source"] == POLICY_PAGE]
    assert policy and all(hit["conference"] is None for hit in policy)


def test_text_output_shows_what_a_caseworker_needs(corpus_index):
    result = run("search", "bostabilitet barnefamilier", "--index", corpus_index, "--limit", "1")
    assert result.exit_code == 0
    out = result.output
    assert "1. Erfaringskonferansen om områdesatsinger 2024" in out
    assert "Konferanse: Erfaringskonferansen om områdesatsinger 2024 · 27.09.2024 · Hotell 33 Økern, Oslo" in out
    assert "Kommune:    Trondheim (5001)" in out
    assert "side " in out and "Kilde:" in out and PROGRAMME_2024 in out


def test_kommune_filter_accepts_a_neighbourhood(corpus_index):
    data = search_json(corpus_index, "frafall", "--kommune", "Loddefjord")
    assert data["hits"]
    assert all({"name": "Bergen", "number": "4601"} in hit["municipalities"] for hit in data["hits"])


def test_a_kommune_name_two_kommuner_share_asks_for_the_number(corpus_index):
    shared = run("search", "frafall", "--kommune", "Herøy", "--index", corpus_index)
    assert shared.exit_code == 2
    assert "«Herøy» er navnet på flere kommuner: 1515 Herøy (Møre og Romsdal) og 1818 Herøy (Nordland)." in shared.output
    assert run("search", "frafall", "--kommune", "Herøy i Nordland", "--index", corpus_index).exit_code == 0
    assert "Kjenner ikke kommunen «Atlantis»" in run("search", "x", "--kommune", "Atlantis", "--index", corpus_index).output


def test_type_filter_takes_the_type_in_any_case(corpus_index):
    data = search_json(corpus_index, "bolig", "--type", "PDF")
    assert data["hits"] and all(hit["source"].endswith(".pdf") for hit in data["hits"])


def test_year_filter(corpus_index):
    data = search_json(corpus_index, "områdesatsinger", "--year", "2020")
    assert data["hits"] and all(hit["source"] == CONFERENCE_2020 for hit in data["hits"])


@pytest.mark.parametrize("query", ["år:2020 områdesatsinger", "områdesatsinger år:2020"])
def test_a_year_typed_in_the_query_goes_with_words(corpus_index, query):
    data = search_json(corpus_index, query)
    assert data["hits"] and {hit["source"] for hit in data["hits"]} == {CONFERENCE_2020}


def test_a_year_as_an_alternative_to_words_finds_either(corpus_index):
    sources = {hit["source"] for hit in search_json(corpus_index, "områdesatsinger OR år:2020", "-n", "50")["hits"]}
    assert CONFERENCE_2020 in sources and PROGRAMME_2024 in sources


@pytest.mark.parametrize("phrase, source", [
    ("NAV og skole", PROGRAMME_2024),
    ("levekår i utsatte områder", POLICY_PAGE),
    ("by- og områdeutvikling", "oslo-kommune/omradeloft-nasjonal-erfaringskonferanse.html"),
])
def test_a_phrase_with_stop_words_in_it_finds_the_text(corpus_index, phrase, source):
    hits = search_json(corpus_index, f'"{phrase}"')["hits"]
    assert hits and hits[0]["source"] == source
    assert phrase.lower() in " ".join(hits[0]["text"].split()).lower()


def test_a_year_range_keeps_what_each_word_finds(corpus_index):
    """A range beside the words must not strip the words' compound parts (levekår in levekårsutfordringer)."""
    one_year = search_json(corpus_index, "levekår år:2024")["total"]
    assert one_year > 0 and search_json(corpus_index, "levekår år:[2020 TO 2024]")["total"] >= one_year
    assert search_json(corpus_index, "levekår år:2024?")["total"] == one_year  # a question mark ends the question


def test_a_document_type_typed_in_the_query_is_read_as_the_option_is(corpus_index):
    assert search_json(corpus_index, "områdesatsinger type:PDF")["hits"][0]["source"] == PROGRAMME_2024
    result = run("search", "områdesatsinger type:exe", "--index", corpus_index)
    assert result.exit_code != 0 and "pdf, docx, odt, html eller text" in result.output


def test_the_passage_id_of_the_examples_is_in_the_shipped_corpus(corpus_index):
    """README and `sokbase show --help` show this id; it must lead somewhere."""
    result = run("show", "2735ec50d0b8-6", "--index", corpus_index)
    assert result.exit_code == 0 and "bostabilitet for barnefamilier" in result.output
    assert "2735ec50d0b8-6" in run("show", "--help").output


def test_show_labels_the_hit_and_the_passages_around_it_in_plain_text(corpus_index):
    """Piped to a file, dimming is gone: the labels still tell the hit from its neighbours."""
    output = run("show", "2735ec50d0b8-6", "--index", corpus_index).output
    before, hit, after = output.index("— Før: 5. Oppvekst og utdanning —"), output.index("— Treffet —"), output.index("— Etter —")
    assert before < hit < after
    assert "Barn i byen" in output[hit:after] and "Målet med prosjektet" in output[after:]


def test_stats_counts_documents_by_type_in_plain_norwegian(corpus_index):
    assert "(4 nettsider, 1 PDF)" in run("stats", "--index", corpus_index).output


def test_all_words_fallback_says_so(corpus_index):
    data = search_json(corpus_index, "Frivilligbørs piggsvin")
    assert data["matched_all_terms"] is False
    assert data["hits"][0]["source"] == PROGRAMME_2024
    text = run("search", "Frivilligbørs piggsvin", "--index", corpus_index).output
    assert "Ingen avsnitt inneholdt alle ordene" in text


def test_no_hits_is_a_clear_message_not_an_error(corpus_index):
    result = run("search", "piggsvin", "--index", corpus_index)
    assert result.exit_code == 0
    assert "Ingen treff for «piggsvin»" in result.output


def test_no_hits_under_filters_names_the_filters_not_the_words(corpus_index):
    result = run("search", "frafall", "--år", "1850", "--kommune", "Aremark", "--index", corpus_index)
    assert result.exit_code == 0
    assert "Ingen treff for «frafall». Søket var avgrenset med --kommune Aremark --år 1850; prøv uten dem." in result.output
    assert "Prøv færre eller andre ord" not in result.output


def test_a_taken_port_or_a_missing_file_is_one_norwegian_line(corpus_index):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        served = run("serve", "--index", corpus_index, "--port", str(taken.getsockname()[1]))
    assert served.exit_code == 1
    assert "Feil: Porten er i bruk av et annet program." in served.output
    assert "kjører på" not in served.output  # no banner for a page that never started
    missing = run("search", "--queries", "/finnes/ikke.txt", "--index", corpus_index)
    assert missing.exit_code == 2 and "«/finnes/ikke.txt»: finnes ikke" in missing.output
    assert "No such file" not in missing.output


def test_malformed_queries_get_one_line_and_exit_2(corpus_index):
    for query in ['"sosial bærekraft', "*", "a*", "og i på", "IKKE Oslo", "kommune:Atlantis"]:
        result = run("search", query, "--index", corpus_index)
        assert result.exit_code == 2, (query, result.output)
        assert result.output.startswith("Feil: ")
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["kommune:Bergen", "år:2024", "type:pdf"])
def test_a_filter_alone_asks_for_a_word_beside_it(corpus_index, query):
    result = run("search", query, "--index", corpus_index)
    assert result.exit_code == 2
    assert result.output == f"Feil: Søket «{query}» har bare filtre; skriv minst ett ord å søke etter i tillegg.\n"


def test_colons_and_unknown_fields_are_searched_as_words(corpus_index):
    for query in ["foo:bar", "12.35/12.45/13.00 BEFARINGER", "Bydel Alna: Områdeløft"]:
        result = run("search", query, "--index", corpus_index)
        assert result.exit_code == 0, (query, result.output)
    assert "Furuset" in run("search", "Bydel Alna: Områdeløft", "--index", corpus_index).output


def test_operators_phrases_and_exclusion(corpus_index):
    either = search_json(corpus_index, "Løvstakken ELLER Loddefjord")
    texts = " ".join(hit["text"] for hit in either["hits"])
    assert "Løvstakk" in texts and "Loddefjord" in texts
    # Either word is all an ELLER asks for: no hit lacks anything.
    assert either["matched_all_terms"] and not any(hit["missing_words"] for hit in either["hits"])
    text = run("search", "Løvstakken ELLER Loddefjord", "--index", corpus_index).output
    assert "Mangler" not in text and "Ingen avsnitt inneholdt alle ordene" not in text
    phrase = search_json(corpus_index, '"sosial bærekraft"')
    assert phrase["hits"] and all("sosial bærekraft" in hit["text"].lower() for hit in phrase["hits"])
    without = search_json(corpus_index, "områdeløft -Groruddalen")
    assert without["hits"] and all("Groruddalen" not in hit["text"] for hit in without["hits"])
    elsewhere = search_json(corpus_index, "bolig -kommune:Oslo")  # the help's example for leaving out a kommune
    assert elsewhere["hits"] and all(m["name"] != "Oslo" for hit in elsewhere["hits"] for m in hit["municipalities"])
    prefix = search_json(corpus_index, "språkinnsats*")
    assert prefix["hits"]


@pytest.mark.parametrize("quoted", ["«sosial bærekraft»", "“sosial bærekraft”", "„sosial bærekraft“"])
def test_a_phrase_in_norwegian_or_typographic_quotes_is_a_phrase(corpus_index, quoted):
    """Word writes «» or “” for Norwegian: a phrase pasted from a letter finds what "…" finds."""
    plain = search_json(corpus_index, '"sosial bærekraft"')["hits"]
    found = search_json(corpus_index, quoted)["hits"]
    assert [hit["passage_id"] for hit in found] == [hit["passage_id"] for hit in plain]


def test_queries_file_prints_json_lines(corpus_index, tmp_path):
    queries = tmp_path / "sok.txt"
    queries.write_text("bostabilitet barnefamilier\nFrivilligbørs\n\"uavsluttet\n", encoding="utf-8")
    result = run("search", "--queries", queries, "--index", corpus_index, "--json")
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [line["query"] for line in lines] == ["bostabilitet barnefamilier", "Frivilligbørs", '"uavsluttet']
    assert lines[0]["hits"] and "error" in lines[2]
    assert result.exit_code == 2


def test_csv_output_opens_in_norwegian_excel(corpus_index):
    result = run("search", "frafall", "--index", corpus_index, "--format", "csv")
    assert result.output.startswith("\ufeffsøk;rangering;poeng;")  # UTF-8 mark, semicolons
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff")), delimiter=";"))
    assert rows and rows[0]["rangering"] == "1" and rows[0]["tittel"] and "," in rows[0]["poeng"]
    assert any("Bergen" in row["kommuner"] for row in rows)


def test_csv_of_a_batch_keeps_a_row_for_a_query_without_hits_and_says_what_hits_lack(corpus_index, tmp_path):
    queries = tmp_path / "sok.txt"
    queries.write_text("piggsvin\nFrivilligbørs piggsvin\n", encoding="utf-8")
    result = run("search", "--queries", queries, "--index", corpus_index, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == {**{column: "" for column in rows[0]}, "søk": "piggsvin"}
    assert rows[1]["søk"] == "Frivilligbørs piggsvin" and rows[1]["mangler"] == "piggsvin"


def test_show_prints_the_passage_in_context(corpus_index):
    hit = search_json(corpus_index, "Frivilligbørs")["hits"][0]
    result = run("show", hit["passage_id"], "--index", corpus_index)
    assert result.exit_code == 0
    assert hit["text"] in result.output and hit["title"] in result.output
    missing = run("show", "finnesikke-1", "--index", corpus_index)
    assert missing.exit_code == 1 and "Fant ikke avsnittet" in missing.output


def test_stats_counts_documents_passages_conferences_municipalities(corpus_index):
    result = run("stats", "--index", corpus_index, "--json")
    data = json.loads(result.output)
    assert data["documents"] == 5
    assert data["passages"] > 20
    assert "Erfaringskonferansen om områdesatsinger 2024" in data["conferences"]
    assert "Trondheim (5001)" in data["municipalities"]


def test_stats_lists_the_most_written_about_kommuner_and_counts_the_rest(corpus_index, monkeypatch):
    import sokbase.cli

    counts = json.loads(run("stats", "--index", corpus_index, "--json").output)["municipalities"]
    assert len(counts) > 3
    monkeypatch.setattr(sokbase.cli, "STATS_MUNICIPALITIES", 3)
    listed = re.findall(r"^  - (.+): (\d+) avsnitt$", run("stats", "--index", corpus_index).output, re.M)
    most = sorted(counts.values(), reverse=True)[:3]
    assert [int(count) for _, count in listed] == most and all(counts[name] == int(n) for name, n in listed)
    assert f"… og {len(counts) - 3} til (alle med --json)" in run("stats", "--index", corpus_index).output


def test_missing_index_is_a_clear_error(tmp_path):
    result = run("search", "områdeløft", "--index", tmp_path / "ingen")
    assert result.exit_code == 1
    assert "Fant ingen indeks" in result.output and "sokbase index" in result.output


def test_index_reports_bad_files_by_name_and_keeps_the_good_ones(corpus_copy, tmp_path):
    good_pdf = (corpus_copy / PROGRAMME_2024).read_bytes()
    (corpus_copy / "avkuttet.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    (corpus_copy / "tom.txt").write_bytes(b"")
    (corpus_copy / "stoy.html").write_bytes(bytes(range(256)) * 40)
    index_dir = tmp_path / "index"
    result = run("index", corpus_copy, "--index", index_dir)
    assert result.exit_code == 3, result.output
    for name in ["avkuttet.pdf", "tom.txt", "stoy.html"]:
        assert name in result.output
    assert "tom fil" in result.output
    found = run("search", "Frivilligbørs", "--index", index_dir)
    assert found.exit_code == 0 and "Drammen" in found.output


def test_a_failed_run_keeps_the_previous_index(corpus_index, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "tom.pdf").write_bytes(b"")
    index_dir = tmp_path / "index"
    assert run("index", CORPUS, "--index", index_dir).exit_code == 0
    result = run("index", broken, "--index", index_dir)
    assert result.exit_code == 1
    assert "indeksen er ikke endret" in result.output
    assert run("search", "Frivilligbørs", "--index", index_dir).exit_code == 0


def test_usage_errors_exit_2_and_speak_norwegian(tmp_path):
    missing = run("index", tmp_path / "finnes-ikke")
    assert missing.exit_code == 2 and "finnes ikke" in missing.output and "Bruk: cli index" in missing.output  # CliRunner names the program after the function
    assert run("search").exit_code == 2
    too_few = run("search", "x", "--limit", "0")
    assert too_few.exit_code == 2 and "Feil: Ugyldig verdi for '-n' / '--limit'" in too_few.output
    unknown = run("serch", "x")
    assert unknown.exit_code == 2 and "Ukjent kommando «serch»" in unknown.output
    assert "Vis denne hjelpeteksten og avslutt." in run("--help").output


def test_every_command_has_help_with_examples():
    for command in [["index"], ["search"], ["show"], ["stats"], ["serve"], ["user", "add"], ["user", "remove"]]:
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert len(result.output) > 200
    for command in [["search"], ["serve"], ["user", "add"]]:
        assert "Eksempler" in run(*command, "--help").output


def test_help_names_values_in_norwegian_and_shows_examples_whole():
    english = re.compile(r"\b(TEXT|INTEGER|FLOAT|FILENAME|PATH|OPTIONS|COMMAND|ARGS|RANGE|CORPUS|WORDS|NAME|PASSAGE_ID)\b|\[required\]")
    for command in [[], ["index"], ["search"], ["show"], ["stats"], ["serve"], ["user"], ["user", "add"], ["user", "remove"]]:
        output = run(*command, "--help").output
        assert not english.search(output), (command, english.search(output).group())
    assert "--kommune TEKST" in run("search", "--help").output
    assert """printf '%s\\n' "$PASSORD" | sokbase user add ola""" in run("user", "add", "--help").output


def test_passages_with_all_words_come_first_then_those_with_some(corpus_index):
    data = search_json(corpus_index, "Frivilligbørs Drammen")
    flags = [hit["matched_all_terms"] for hit in data["hits"]]
    assert flags[0] is True and False in flags
    assert flags == sorted(flags, reverse=True)
    assert data["hits"][0]["source"] == PROGRAMME_2024
    assert data["matched_all_terms"] is True and data["total"] >= len(data["hits"])
    text = run("search", "Frivilligbørs Drammen", "--index", corpus_index).output
    assert text.index("Frivilligbørs") < text.index("Mangler:    ")
    partial = [hit for hit in data["hits"] if not hit["matched_all_terms"]]
    assert all(hit["missing_words"] in (["Frivilligbørs"], ["Drammen"]) for hit in partial)


def test_highlights_mark_each_word_once(corpus_index):
    for hit in search_json(corpus_index, "områdeløft Groruddalen")["hits"]:
        assert len(hit["highlights"]) == len({tuple(span) for span in hit["highlights"]})


def test_misspelt_words_get_a_did_you_mean(corpus_index):
    data = search_json(corpus_index, "barnefamiler Trondhjem")
    assert data["suggestions"] == ["barnefamilier Trondheim"]
    assert search_json(corpus_index, "områdesatsning")["suggestions"] == ["områdesatsing"]
    out = run("search", "barnefamiler Trondhjem", "--index", corpus_index).output
    assert "Mente du «barnefamilier Trondheim»?" in out
    assert search_json(corpus_index, "Frivilligbørs")["suggestions"] == []


def test_a_pasted_paragraph_is_searched_by_its_rarest_words_and_finds_itself(corpus_index):
    passage = json.loads(run("show", "2735ec50d0b8-2", "--index", corpus_index, "--json").output)["text"]
    assert len(passage.split()) > 60
    data = search_json(corpus_index, passage)
    assert data["hits"][0]["passage_id"] == "2735ec50d0b8-2"
    assert "det ble søkt etter de 32 sjeldneste av dem" in data["notice"]


def test_a_compound_no_passage_writes_is_suggested_as_its_two_words(corpus_index):
    data = search_json(corpus_index, "barnefamiliebolig")
    assert data["total"] == 0 and data["suggestions"] == ["barnefamilie bolig"]
    assert search_json(corpus_index, "barnefamilie bolig")["hits"]


def test_did_you_mean_leaves_operators_and_filters_as_typed(corpus_index):
    assert search_json(corpus_index, "barnefamiler kommune:Bergen")["suggestions"] == ["barnefamilier kommune:Bergen"]
    assert search_json(corpus_index, "-Oslo barnefamiler")["suggestions"] == ["-Oslo barnefamilier"]
    assert search_json(corpus_index, 'kommune:"Nordre Follo" bolig')["suggestions"] == []  # not «Norge Follo»
    assert "andre" not in " ".join(search_json(corpus_index, "Oslo AND Bergen")["suggestions"])


def test_show_json_is_the_passage_and_index_json_names_folders_in_full(corpus_index, tmp_path, monkeypatch):
    passage = json.loads(run("show", "2735ec50d0b8-6", "--index", corpus_index, "--json").output)
    assert passage["passage_id"] == "2735ec50d0b8-6" and "rank" not in passage and "score" not in passage
    monkeypatch.chdir(CORPUS.parent)
    report = json.loads(run("index", "corpus", "--index", tmp_path / "index", "--json").stdout)
    assert report["corpus"] == str(CORPUS) and Path(report["index_dir"]).is_absolute()


def test_words_found_another_way_are_not_corrected(tmp_path):
    """KMD finds Kommunal- og moderniseringsdepartementet and Toyen finds Tøyen with no passage
    holding the word as typed; neither is a typo ("Mente du «kl»?" was offered for KMD)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(
        "Notat\n\nKommunal- og moderniseringsdepartementet besøkte Tøyen og Grønland i mai, kl. 10.\n", encoding="utf-8")
    index = tmp_path / "index"
    assert run("index", corpus, "--index", index).exit_code == 0
    for query in ["KMD", "Toyen", "Gronland"]:
        data = search_json(index, query)
        assert data["hits"] and data["suggestions"] == [], query


def test_report_says_why_when_nothing_could_be_indexed(tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    result = run("index", empty, "--index", tmp_path / "index", "--report", tmp_path / "r.json")
    assert result.exit_code == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 1 and "Fant ingen" in report["error"]
    missing = run("index", empty, "--index", tmp_path / "index", "--report", tmp_path / "nei" / "r.json")
    assert missing.exit_code == 2 and "--report" in missing.output


def test_an_excluded_word_needs_no_quotes_and_options_still_work(corpus_index):
    result = run("search", "områdeløft", "-Groruddalen", "-n", "3", "--index", corpus_index, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "områdeløft -Groruddalen"
    assert len(data["hits"]) == 3 and all("Groruddalen" not in hit["text"] for hit in data["hits"])
    short = run("search", "-n2", "-Groruddalen", "områdeløft", "--index", corpus_index, "--json")
    assert short.exit_code == 0, short.output
    assert len(json.loads(short.output)["hits"]) == 2
    # A word that begins like an option (-n, -h) is still a word.
    assert search_json(corpus_index, "områdeløft", "-nabolag", "-helse")["query"] == "områdeløft -nabolag -helse"
    missing = run("search", "områdeløft", "--index")
    assert missing.exit_code == 2 and "Valget --index mangler en verdi." in missing.output


@pytest.mark.parametrize("query", ["(områdeløft", "Hva gjør Oslo med områdeløft (Groruddalen))?", "bolig) OR"])
def test_natural_text_the_syntax_cannot_read_is_searched_as_words_with_a_notice(corpus_index, query):
    data = search_json(corpus_index, query)
    assert data["hits"] and "søkt etter ordene" in data["notice"]
    assert "søkt etter ordene" in run("search", query, "--index", corpus_index).output
