import pytest

from sokbase.models import Municipality
from sokbase.municipalities import Gazetteer

OSLO = Municipality("Oslo", "0301")
BERGEN = Municipality("Bergen", "4601")
TRONDHEIM = Municipality("Trondheim", "5001")
DRAMMEN = Municipality("Drammen", "3301")


def find(text: str) -> list[str]:
    return [m.name for m in Gazetteer.default().find(text)]


# Sentences from the seed documents (../shared/seeds), as a reader of the results sees them.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Barn i byen – Gode oppvekstmiljøer for barn i sentrale bydeler i Trondheim", [TRONDHEIM]),
        ("Områdesatsing på Løvstakken, v/ Bergen kommune", [BERGEN]),
        ("Bydel Alna: Områdeløft og byutvikling på Furuset", [OSLO]),
        ("Barnevennlige nabolag på Møllenberg", [TRONDHEIM]),
        ("Oslo, Bergen, Trondheim og Drammen jobber sammen med staten", [OSLO, BERGEN, TRONDHEIM, DRAMMEN]),
        ("Eksempler på lokalsamfunnsutvikling i \nDrammen, v/ Silje Rødseth Bjørge, Frivilligbørs", [DRAMMEN]),
        ("Løvstakksiden i Bergen har lenge vært et levekårsutsatt område", [BERGEN]),
        ("Områdesatsingen i Loddefjord og Olsvik har et særlig fokus på skole og utdanning.", [BERGEN]),
        ("mulighetsstudie av to kvartaler i bydelen Møllenberg", [TRONDHEIM]),
        ("ved Hanne J. Moth, programleder Områdesatsing Torstrand", [Municipality("Larvik", "3909")]),
        ("Bydel Stovner har områdesatsinger på Haugenstua, i Stovner sentrum og på Vestli.", [OSLO]),
        ("Kunnskapsmøtene vil finne sted i Oslo, Bodø, Trondheim, Bergen og Arendal.",
         [OSLO, Municipality("Bodø", "1804"), TRONDHEIM, BERGEN, Municipality("Arendal", "4203")]),
        ("v/Jon Wergeland, kommunalsjef, Kristiansand kommune", [Municipality("Kristiansand", "4204")]),
    ],
)
def test_finds_the_kommuner_of_seed_sentences(text, expected):
    assert Gazetteer.default().find(text) == tuple(expected)


def test_each_kommune_once_in_order_of_first_mention():
    text = "Befaring på Tøyen. På befaringene presenterte Oslo og Drammen kommuner. Grønland og Tøyen."
    assert Gazetteer.default().find(text) == (OSLO, DRAMMEN)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nedre Eiker kommune slo seg sammen med nabokommunene", ["Drammen"]),
        ("Hun bodde i Ski før sammenslåingen.", ["Nordre Follo"]),
        ("Tidligere Tysfjord kommune er delt mellom Narvik og Hamarøy.", ["Narvik", "Hamarøy"]),
        ("Gáivuotna-Kåfjord-Kaivuono og Kárášjohka-Karasjok", ["Kåfjord", "Karasjok"]),
        ("Oslos byråd, Bergens ordfører, Trondheims og Drammens planer", ["Oslo", "Bergen", "Trondheim", "Drammen"]),
        ("Bydel Søndre Nordstrand og Nord-Odal og Indre Fosen", ["Oslo", "Nord-Odal", "Indre Fosen"]),
        ("mellom Oslo Spektrum og Lilletorget", ["Oslo"]),
        ("Herøy i Nordland og Herøy kommune", ["Herøy"]),
    ],
)
def test_former_names_parallel_forms_genitives_and_longer_names(text, expected):
    assert find(text) == expected


def test_two_kommuner_with_one_name_count_only_when_the_text_says_which():
    assert find("Herøy kommune") == []
    assert Gazetteer.default().find("Herøy i Nordland") == (Municipality("Herøy", "1818"),)


def test_a_neighbourhood_and_a_former_kommune_with_one_name():
    assert find("Områdeløftet på Fjell") == ["Drammen"]
    assert find("Fjell kommune ble en del av Øygarden") == ["Øygarden"]


@pytest.mark.parametrize(
    "text",
    [
        "Det er moss på steinen",
        "Vi sel ikkje",
        "et hull, et hole",
        "Vik deg unna",
        "Os er ikke et sted her. Os av bålet.",
        "Strand og sjø. Time etter time.",
        "Sola skinte, og Kampen mot fattigdom fortsatte.",
        "Trine Skei Grande, kunnskapsminister",
        "Statssekretær i Kommunal- og moderniseringsdepartement Heidi Karin Nakken åpnet",
        "Anne Lund, Erik Solheim og Per Fossum",
        "Hanne Halden Berg",
        "sommer og time og moss",
        "Tid og rom for refleksjon",
    ],
)
def test_ordinary_words_and_person_names_are_not_kommuner(text):
    assert find(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sel kommune", ["Sel"]),
        ("Moss og Sande kommuner samarbeider", ["Moss", "Sande"]),
        ("Det skjer i Moss, Halden og Sarpsborg", ["Moss", "Halden", "Sarpsborg"]),
        ("Vi reiste fra Os til Vik", ["Os", "Vik"]),
        ("Befaring på Kampen og Solheim", ["Oslo", "Bergen"]),
        ("Prosjektet på Romsås er i \nSki og Ås", ["Oslo", "Nordre Follo", "Ås"]),
        ("Maren Alstad Johansen (Bydel Stovner)", ["Oslo"]),
    ],
)
def test_ordinary_words_count_as_places_in_place_context(text, expected):
    assert find(text) == expected


def test_an_ordinary_word_first_in_a_sentence_needs_kommune_after_it():
    assert find("Samarbeidet mellom Moss, Halden og Sarpsborg") == ["Moss", "Halden", "Sarpsborg"]
    assert find("Møte i Oslo. Moss, Halden og Sarpsborg samarbeider") == ["Oslo", "Halden", "Sarpsborg"]
    assert find("Heading\nMoss kommune samarbeider") == ["Moss"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("trondheim", TRONDHEIM),
        ("Trondheim", TRONDHEIM),
        ("Oslo-Oslove", OSLO),
        ("Oslove", OSLO),
        ("5001", TRONDHEIM),
        ("301", OSLO),
        ("Nedre Eiker", DRAMMEN),
        ("Ski", Municipality("Nordre Follo", "3207")),
        ("Furuset", OSLO),
        ("bydel alna", OSLO),
        ("Bergen kommune", BERGEN),
        ("Barum", Municipality("Bærum", "3201")),
        ("Tromso", Municipality("Tromsø", "5501")),
        ("Aasane", BERGEN),
        ("Kautokeino", Municipality("Kautokeino", "5612")),
        ("Herøy (Nordland)", Municipality("Herøy", "1818")),
        ("Voss", Municipality("Voss herad", "4621")),
        ("1201", BERGEN),  # numbers from before a merger, as old records carry them
        ("0602", DRAMMEN),  # 0602 → 3005 (2020) → 3301 (2024)
        ("1601", TRONDHEIM),
        ("1534", Municipality("Haram", "1580")),  # into Ålesund 1507 in 2020, Haram again in 2024
        ("1523", Municipality("Ålesund", "1508")),  # Ørskog, in the part of 1507 that kept the name
    ],
)
def test_lookup_resolves_what_a_user_types(query, expected):
    assert Gazetteer.default().lookup(query) == expected


@pytest.mark.parametrize("query", ["Herøy", "Atlantis", "9999", "", "5012"])  # Snillfjord 5012 was split in three
def test_lookup_gives_none_for_unknown_or_unclear_names(query):
    assert Gazetteer.default().lookup(query) is None


def test_all_lists_the_357_kommuner_of_2024_by_number():
    kommuner = Gazetteer.default().all()
    assert len(kommuner) == 357
    assert kommuner[0] == OSLO
    assert [m.number for m in kommuner] == sorted(m.number for m in kommuner)
    assert {m.name for m in kommuner} >= {"Snåsa", "Tana", "Porsanger", "Aurskog-Høland", "Sør-Varanger"}


def test_default_is_built_once():
    assert Gazetteer.default() is Gazetteer.default()


def test_a_gazetteer_from_other_data():
    gazetteer = Gazetteer(
        "number,name,aliases,ambiguous\n9901,Nyby,Gamleby|Nes,Nes\n",
        "place,kind,number,ambiguous\nSentrum,bydel,9901,1\n",
    )
    assert gazetteer.find("Gamleby og Bydel Sentrum. Nes er fint.") == (Municipality("Nyby", "9901"),)
    assert gazetteer.lookup("nes") == Municipality("Nyby", "9901")
