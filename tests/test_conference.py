import pytest

from sokbase.conference import conference_name, detect_conference, names_event
from sokbase.models import Block, Conference, Document


def doc(title, *texts):
    return Document(source="x.html", doc_type="html", title=title, blocks=[Block(t) for t in texts])


def test_programme_gives_name_date_and_venue_without_street_address():
    found = detect_conference(doc(
        "Erfaringskonferansen om områdesatsinger 2024 – verksteder og befaringer",
        "27. september 2024",
        "Hotell 33 Økern, Østre Aker vei 33, Oslo",
        "PARALLELLE VERKSTEDER",
    ))
    assert found == Conference("Erfaringskonferansen om områdesatsinger 2024", 2024, "2024-09-27", "Hotell 33 Økern, Oslo")


def test_event_page_gives_year_and_venue_from_the_text():
    found = detect_conference(doc(
        "Erfaringskonferanse om områdesatsinger 2020",
        "Kommunal- og moderniseringsdepartementet i samarbeid med Husbankens storbynettverk inviterte "
        "kommuneansatte til erfaringskonferanse om områdesatsinger. Konferansen ble gjennomført på Vulkan "
        "i Oslo med over 300 deltagere fra hele landet.",
    ))
    assert found.name == "Erfaringskonferanse om områdesatsinger 2020"
    assert (found.year, found.date, found.venue) == (2020, None, "Vulkan, Oslo")


def test_meeting_date_without_year_takes_the_year_from_the_text():
    found = detect_conference(doc(
        "Kunnskapsmøte om planlegging og organisering",
        "Fem nasjonale kunnskapsmøter i løpet av 2011. Første møte ble gjennomført i Oslo 6. mai.",
    ))
    assert (found.year, found.date, found.venue) == (2011, "2011-05-06", "Oslo")


def test_policy_page_is_no_conference_even_if_it_mentions_one():
    assert detect_conference(doc("Områdesatsinger", "Regjeringen arrangerer hvert år en konferanse.")) is None


def test_generic_event_segment_keeps_the_whole_title():
    title = "Områdeløft = helhetlig stedsutvikling. Nasjonal erfaringskonferanse"
    assert conference_name(title) == title


def test_a_year_in_the_history_of_the_text_is_not_the_conference_year():
    found = detect_conference(doc(
        "Områdeløft = helhetlig stedsutvikling. Nasjonal erfaringskonferanse",
        "Gjennom Groruddalssatsingen har fire bydeler i Groruddalen siden 2007 satt inn særskilt innsats.",
    ))
    assert found.year is None


def test_sidecar_conference_wins():
    given = Conference("Boligsosial konferanse", 2019, "2019-03-12", "Bodø")
    document = doc("Program", "12. mars 2019")
    document.conference = given
    assert detect_conference(document) is given


@pytest.mark.parametrize("title", [
    "Erfaringskonferansen om områdesatsinger 2024",
    "Boligsosial konferanse",
    "Fagsamling for bostøttekontorene",
    "Nettverkssamling i Husbankens storbynettverk",
    "Samling om områdeløft",
    "KS-konferansen 2024",
    "Seminar om bostedsløshet",
    "Webinar: bolig for velferd",
    "Nasjonale kunnskapsmøter",
    "Konferanseprogram 2024",
])
def test_an_event_word_of_its_own_or_ending_a_compound_names_an_event(title):
    assert names_event(title)


@pytest.mark.parametrize("title", [
    "Rapport: Innsamling av levekårsdata i Drammen 2023",
    "Lov om linjekonferanser m.v. [linjekonferanseloven]",
    "Lov om endringer i aksjelovgivningen mv. (åpenhet om eierskap og deltakelse på generalforsamlingen)",
    "Lovsamling for forvaltningen",
    "Samlingsregjeringen tiltrer",
    "Kunstsamlingen i Bodø",
])
def test_a_collection_an_assembly_or_an_event_word_inside_another_word_is_no_event(title):
    assert not names_event(title)


def test_a_report_on_collecting_data_is_no_conference():
    report = doc("Rapport: Innsamling av levekårsdata i Drammen 2023", "Innsamlingen ble gjort våren 2023.")
    assert detect_conference(report) is None
