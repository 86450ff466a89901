"""Addresses, letterheads and signatures are blanked before kommuner are looked for; prose is not."""
import pytest

from sokbase.addresses import without_addresses
from sokbase.municipalities import Gazetteer


def kommuner(text: str) -> list[str]:
    return [m.name for m in Gazetteer.default().find(without_addresses(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Planforslaget er utarbeidet av Feste Grenland AS, Pb. 120, 3901 Porsgrunn, på vegne av Søgne kommune.", ["Kristiansand"]),  # Søgne is part of Kristiansand since 2020
        ("Porsgrunn kommune\nPostboks 128, 3901 Porsgrunn\n\nSkien kommune\nPostboks 158\n3701 Skien\n"
         "Klosterøya i Skien skal bli en ny bydel.", ["Skien"]),
        ("Postadresse: Postboks 7000 St. Olavs plass, 0130 Oslo\nRapporten handler om Bergen.", ["Bergen"]),
        ("Besøksadresse: Rådhusgata 7, Porsgrunn", []),
        ("Kontakt oss på post@drammen.kommune.no eller tlf. 32 04 00 00", []),
        ("Drammen kommune, org.nr. 948 643 563", []),
        ("Vi deler erfaringer fra Fredrikstad.\nMed vennlig hilsen\nKari Nordmann\nrådgiver, Sarpsborg kommune", ["Fredrikstad"]),
        # Prose with places and numbers is left as it is.
        ("Kunnskapsmøtene vil finne sted i Oslo, Bodø, Trondheim, Bergen og Arendal.", ["Oslo", "Bodø", "Trondheim", "Bergen", "Arendal"]),
        ("I 2024 fikk Bergen og Trondheim 1200 nye boliger.", ["Bergen", "Trondheim"]),
        ("v/Jon Wergeland, kommunalsjef, Kristiansand kommune", ["Kristiansand"]),
    ],
)
def test_addresses_name_no_kommune_and_prose_keeps_its_kommuner(text, expected):
    assert kommuner(text) == expected
