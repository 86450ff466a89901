"""Sign-in, access rules and the access log on the web page, tried the way an attacker would try them:
spoofed proxy headers, another group's documents asked for by id, by original-file URL, through the
API's totals and facets, through "Lignende avsnitt" and suggestions, a cookie reused after signing
out, a forged sign-in form. Every one must be refused, and a refusal must look like "not there"."""
import json
import re

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

import sokbase
from sokbase.cli import _serve_config, cli
from sokbase.models import doc_id_for
from sokbase.users import add_user, read_users, remove_user
from sokbase.web import create_app
from sokbase.web.auth import FORM_COOKIE, SESSION_COOKIE

FELLES, BARNEVERN, LEDELSE = "felles/rutiner.txt", "barnevern/saker/fosterhjem.txt", "ledelse/omstillingsplan.txt"
UNTRUSTED = {"REMOTE_ADDR": "10.0.0.66"}
PASSWORDS = {"kari": "kari-sitt-passord", "leder": "lederens-passord-1"}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def app_for(access_index, **config):
    corpus, index_dir = access_index
    return create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus), **config})


def as_reader(user: str | None, groups: str = "") -> dict:
    headers = {"X-Forwarded-Groups": groups}
    if user:
        headers["X-Forwarded-User"] = user
    return headers


def api(client, query: str, **kwargs) -> dict:
    response = client.get("/api/search", query_string={"q": query, "limit": 50}, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def secret_id(access_index, query="nedbemanning"):
    with sokbase.open_index(access_index[1]) as index:
        return index.search(query).hits[0]


@pytest.fixture
def proxy(access_index):
    return app_for(access_index, SOKBASE_AUTH="proxy", SOKBASE_TRUSTED_PROXIES=["127.0.0.1", "::1"]).test_client()


# ---------------------------------------------------------------------- --auth proxy


@pytest.mark.parametrize("path", ["/", "/?q=nedbemanning", "/api/search?q=nedbemanning", "/static/style.css",
                                  f"/doc/{doc_id_for(LEDELSE)}", f"/doc/{doc_id_for(LEDELSE)}/original"])
def test_proxy_headers_from_an_address_that_is_not_the_proxy_are_refused(proxy, path):
    for headers in (as_reader("leder", "ledelse"), as_reader("leder", "ledelse") | {"X-Forwarded-For": "127.0.0.1"}):
        response = proxy.get(path, headers=headers, environ_base=UNTRUSTED)
        assert response.status_code == 403
        assert "nedbemanning" not in response.get_data(as_text=True).lower()
    assert "bare brukes gjennom innloggingen" in text(proxy.get("/", headers=as_reader("leder", "ledelse"),
                                                                environ_base=UNTRUSTED))


def test_the_proxy_must_name_a_user(proxy):
    response = proxy.get("/?q=bostøtte", headers=as_reader(None, "ledelse"))
    assert response.status_code == 403 and "ingen bruker" in text(response)
    assert proxy.get("/api/search?q=bostøtte", headers=as_reader(None)).get_json()["status"] == 403


def test_a_group_sees_its_own_documents_and_nothing_of_another_groups(proxy, access_index):
    kari = as_reader("kari", "Barnevern, leseklubb")
    found = api(proxy, "bostøtte", headers=kari)
    assert {hit["source"] for hit in found["hits"]} == {FELLES, BARNEVERN}
    assert found["total"] == len(found["hits"])
    assert api(proxy, "nedbemanning", headers=kari) | {"query": ""} == api(proxy, "ingentingslikt", headers=kari) | {"query": ""}
    assert api(proxy, "nedbemaning", headers=kari)["suggestions"] == []  # not "nedbemanning"
    leder = as_reader("leder", "ledelse")
    assert {hit["source"] for hit in api(proxy, "nedbemanning", headers=leder)["hits"]} == {LEDELSE}
    assert api(proxy, "nedbemaning", headers=leder)["suggestions"] == ["nedbemanning"]


def test_another_groups_document_by_id_or_original_url_is_not_found_like_a_document_that_does_not_exist(proxy, access_index):
    secret = secret_id(access_index)
    kari = as_reader("kari", "barnevern")
    for known, unknown in [(f"/doc/{secret.doc_id}", "/doc/0123456789ab"),
                           (f"/doc/{secret.doc_id}/original", "/doc/0123456789ab/original"),
                           (f"/doc/{secret.doc_id}?avsnitt={secret.passage_id}&q=kantine", "/doc/0123456789ab?q=kantine"),
                           (f"/similar/{secret.passage_id}", "/similar/0123456789ab-0")]:
        hidden, missing = proxy.get(known, headers=kari), proxy.get(unknown, headers=kari)
        assert hidden.status_code == missing.status_code == 404, known
        body = hidden.get_data(as_text=True)
        assert body.replace(secret.passage_id, "ID").replace(secret.doc_id, "ID") == \
               missing.get_data(as_text=True).replace("0123456789ab-0", "ID").replace("0123456789ab", "ID"), known
        assert "Hemmelig" not in body and "Tromsø" not in body
    leder = as_reader("leder", "ledelse")
    assert proxy.get(f"/doc/{secret.doc_id}", headers=leder).status_code == 200
    original = proxy.get(f"/doc/{secret.doc_id}/original", headers=leder)
    assert original.status_code == 200 and "Fiskeørn" in original.get_data(as_text=True)


def test_totals_facets_and_similar_passages_count_only_what_the_reader_may_see(proxy, access_index):
    kari = as_reader("kari", "barnevern")
    page = BeautifulSoup(proxy.get("/?q=bostøtte+samarbeid", headers=kari).get_data(as_text=True), "html.parser")
    kommuner = {a.select_one(".label").get_text() for a in page.select("aside.facets a")}
    assert {"Oslo", "Bergen"} <= kommuner and "Tromsø" not in kommuner
    assert "Tromsø" not in page.get_text() and "Hemmelig" not in page.get_text()
    total = int(re.search(r"(\d+) treff", page.h1.get_text())[1])
    assert total == api(proxy, "bostøtte samarbeid", headers=kari)["total"] < \
        api(proxy, "bostøtte samarbeid", headers=as_reader("sjef", "barnevern,ledelse"))["total"]
    narrowed = proxy.get("/api/search", query_string={"q": "bostøtte", "kommune": "Tromsø"}, headers=kari)
    assert narrowed.get_json()["total"] == 0
    own = next(hit for hit in api(proxy, "fosterhjem", headers=kari)["hits"])
    similar = proxy.get(f"/similar/{own['passage_id']}", headers=kari)
    assert similar.status_code == 200 and "Hemmelig" not in similar.get_data(as_text=True)
    everyone = proxy.get(f"/similar/{own['passage_id']}", headers=as_reader("sjef", "barnevern,ledelse"))
    assert "Hemmelig omstillingsplan" in everyone.get_data(as_text=True)  # there to be found by those who may
    front = text(proxy.get("/", headers=kari))
    assert "Søket går i 2 dokumenter" in front


# ---------------------------------------------------------------------- no sign-in


def test_without_sign_in_only_documents_without_a_rule_are_shown(access_index):
    client = app_for(access_index).test_client()
    assert {hit["source"] for hit in api(client, "bostøtte")["hits"]} == {FELLES}
    assert client.get(f"/doc/{doc_id_for(BARNEVERN)}").status_code == 404
    health = client.get("/healthz").get_json()
    assert (health["documents"], "conferences" in health) == (1, False)  # counts what the page shows, nothing more
    signed = app_for(access_index, SOKBASE_AUTH="proxy", SOKBASE_TRUSTED_PROXIES=["127.0.0.1"]).test_client()
    health = signed.get("/healthz", environ_base=UNTRUSTED).get_json()
    assert health["status"] == "ok" and "documents" not in health and "passages" not in health


def test_the_sign_in_page_is_only_there_with_users(access_index):
    assert app_for(access_index).test_client().get("/logg-inn").status_code == 404


# ---------------------------------------------------------------------- --auth users


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "brukere.txt"
    add_user(path, "kari", PASSWORDS["kari"], ["Barnevern"])
    add_user(path, "leder", PASSWORDS["leder"], ["ledelse"])
    return path


@pytest.fixture
def site(access_index, users_file):
    app = app_for(access_index, SOKBASE_AUTH="users", SOKBASE_USERS=str(users_file),
                  SOKBASE_TRUSTED_PROXIES=["192.0.2.10"])
    clock = Clock()
    auth = app.extensions["sokbase_auth"]
    auth.throttle.clock = auth.sessions.clock = clock
    client = app.test_client()
    client.clock = clock
    return client


def form_token(client, path="/logg-inn", **kwargs) -> str:
    page = client.get(path, **kwargs)
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf]")["value"]


def sign_in(client, name="kari", password=None, target="/", **kwargs):
    token = form_token(client, **kwargs)
    return client.post("/logg-inn", data={"csrf": token, "brukernavn": name, "neste": target,
                                          "passord": PASSWORDS.get(name, "") if password is None else password}, **kwargs)


def cookie_header(response, name: str) -> str:
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "="))


def test_every_page_asks_for_sign_in_first(site):
    response = site.get("/?q=bostøtte")
    assert response.status_code == 303 and response.headers["Location"] == "/logg-inn?neste=/?q%3Dbost%C3%B8tte"
    assert site.get(f"/doc/{doc_id_for(FELLES)}/original").status_code == 303
    refused = site.get("/api/search?q=bostøtte")
    assert refused.status_code == 401 and refused.get_json()["error"] == "Logg inn på søkesiden først."
    assert site.get("/static/style.css").status_code == 200


def test_signing_in_sets_a_session_cookie_only_scripts_and_other_sites_cannot_use(site):
    response = sign_in(site, target="/?q=fosterhjem")
    assert response.status_code == 303 and response.headers["Location"] == "/?q=fosterhjem"
    cookie = cookie_header(response, SESSION_COOKIE)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    page = site.get("/?q=fosterhjem")
    assert "Innlogget som kari" in text(page) and "Fosterhjem i Bergen" in text(page)
    assert {hit["source"] for hit in api(site, "bostøtte")["hits"]} == {FELLES, BARNEVERN}
    assert page.headers["Cache-Control"] == "no-store"


def test_the_cookie_is_secure_behind_https_also_at_a_trusted_proxy_but_only_there(site):
    assert "Secure" in cookie_header(sign_in(site, base_url="https://sok.example.no"), SESSION_COOKIE)
    proxied = {"headers": {"X-Forwarded-Proto": "https"}, "environ_base": {"REMOTE_ADDR": "192.0.2.10"}}
    assert "Secure" in cookie_header(sign_in(site.application.test_client(), **proxied), SESSION_COOKIE)
    claimed = {"headers": {"X-Forwarded-Proto": "https"}, "environ_base": UNTRUSTED}
    assert "Secure" not in cookie_header(sign_in(site.application.test_client(), **claimed), SESSION_COOKIE)


def test_a_wrong_password_or_unknown_user_gets_one_answer_and_then_a_delay(site):
    for name, password in [("kari", "feil-passord"), ("ukjent", "hva-som-helst")]:
        response = sign_in(site, name, password)
        assert response.status_code == 401 and "Feil brukernavn eller passord." in text(response)
        assert SESSION_COOKIE not in response.headers.get("Set-Cookie", "")
    sign_in(site, "kari", "feil-igjen")  # the third failure from this address
    refused = sign_in(site, "kari")  # the right password, too soon: not even checked
    assert refused.status_code == 429 and "Vent 1 sekund og prøv igjen" in text(refused)
    assert sign_in(site, "leder").status_code == 429  # the address waits too, whatever the name
    site.clock.now += 1.5
    assert sign_in(site, "kari").status_code == 303


def test_a_session_cookie_reused_after_signing_out_is_refused(site):
    sign_in(site)
    token = site.get_cookie(SESSION_COOKIE).value
    signed_out = site.post("/logg-ut", data={"csrf": BeautifulSoup(site.get("/").get_data(as_text=True),
                                                                   "html.parser").select_one("form input[name=csrf]")["value"]})
    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/logg-inn?ut=1"
    assert "Du er logget ut." in text(site.get("/logg-inn?ut=1"))
    site.set_cookie(SESSION_COOKIE, token)  # as an attacker who copied it would
    assert site.get("/?q=fosterhjem").status_code == 303
    assert site.get("/api/search?q=fosterhjem").status_code == 401


def test_signing_out_needs_the_pages_own_token(site):
    sign_in(site)
    assert site.post("/logg-ut").status_code == 400
    assert site.post("/logg-ut", data={"csrf": "gjettet"}).status_code == 400
    assert site.get("/?q=fosterhjem").status_code == 200  # still signed in


@pytest.mark.parametrize("forge", ["no token", "another visitor's token", "a token of our own", "no cookie"])
def test_a_sign_in_form_not_from_this_page_is_refused(site, access_index, users_file, forge):
    data = {"brukernavn": "kari", "passord": PASSWORDS["kari"], "neste": "/"}
    if forge == "another visitor's token":
        other = app_for(access_index, SOKBASE_AUTH="users", SOKBASE_USERS=str(users_file)).test_client()
        data["csrf"] = form_token(other)
        form_token(site)
    elif forge == "a token of our own":
        data["csrf"] = "abc.def"
        site.set_cookie(FORM_COOKIE, "abc.def", path="/logg-inn")
    elif forge == "no cookie":
        data["csrf"] = form_token(site)
        site.delete_cookie(FORM_COOKIE, path="/logg-inn")
    response = site.post("/logg-inn", data=data)
    assert response.status_code == 400 and "Skjemaet var utløpt" in text(response)
    assert SESSION_COOKIE not in response.headers.get("Set-Cookie", "")


def test_after_sign_in_only_a_path_on_this_site_is_followed(site):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert sign_in(site.application.test_client(), target=target).headers["Location"] == "/"


def test_a_removed_user_a_changed_password_or_an_idle_session_ends_the_session(site, users_file):
    sign_in(site)
    add_user(users_file, "kari", "et-helt-nytt-passord", ["barnevern"])
    assert site.get("/").status_code == 303
    PASSWORDS["kari-ny"] = "et-helt-nytt-passord"
    assert sign_in(site, "kari", "et-helt-nytt-passord").status_code == 303
    site.clock.now += 4 * 3600 + 1
    assert site.get("/").status_code == 303
    sign_in(site, "kari", "et-helt-nytt-passord")
    remove_user(users_file, "kari")
    assert site.get("/").status_code == 303


def test_a_users_file_broken_while_running_closes_sign_in(site, users_file):
    sign_in(site)
    users_file.write_text(users_file.read_text(encoding="utf-8") + "ola uten kolon\n", encoding="utf-8")
    response = site.get("/?q=fosterhjem")
    assert response.status_code == 503 and "brukerfilen har en feil" in text(response)
    assert "Fosterhjem" not in text(response)


# ---------------------------------------------------------------------- the access log


def test_the_access_log_has_a_json_line_per_request_and_no_password_or_session(access_index, users_file, tmp_path):
    log = tmp_path / "tilgang.jsonl"
    app = app_for(access_index, SOKBASE_AUTH="users", SOKBASE_USERS=str(users_file), SOKBASE_ACCESS_LOG=str(log))
    client = app.test_client()
    sign_in(client, "kari", "feil-passord")
    sign_in(client)
    session = client.get_cookie(SESSION_COOKIE).value
    client.get("/?q=bostøtte")
    client.get("/api/search?q=fosterhjem")
    totals = [api(client, query)["total"] for query in ("bostøtte", "fosterhjem")]  # logged too
    client.get(f"/doc/{doc_id_for(LEDELSE)}")
    client.get("/healthz")
    raw = log.read_text(encoding="utf-8")
    assert PASSWORDS["kari"] not in raw and "feil-passord" not in raw and session not in raw
    entries = [json.loads(line) for line in raw.splitlines()]
    assert all(set(entry) == {"time", "user", "ip", "method", "path", "query", "hits", "status", "ms"} for entry in entries)
    assert [(e["user"], e["method"], e["path"], e["query"], e["hits"], e["status"]) for e in entries] == [
        (None, "GET", "/logg-inn", None, None, 200),
        (None, "POST", "/logg-inn", None, None, 401),
        (None, "GET", "/logg-inn", None, None, 200),
        ("kari", "POST", "/logg-inn", None, None, 303),
        ("kari", "GET", "/", "bostøtte", totals[0], 200),
        ("kari", "GET", "/api/search", "fosterhjem", totals[1], 200),
        ("kari", "GET", "/api/search", "bostøtte", totals[0], 200),
        ("kari", "GET", "/api/search", "fosterhjem", totals[1], 200),
        ("kari", "GET", f"/doc/{doc_id_for(LEDELSE)}", None, None, 404),
    ]
    assert totals[0] > 0
    assert entries[0]["time"].endswith("Z") and entries[0]["ip"] == "127.0.0.1"


def test_the_access_log_names_the_proxys_user_and_the_client_behind_the_proxy(access_index, tmp_path):
    log = tmp_path / "tilgang.jsonl"
    client = app_for(access_index, SOKBASE_AUTH="proxy", SOKBASE_TRUSTED_PROXIES=["127.0.0.1"],
                     SOKBASE_ACCESS_LOG=str(log)).test_client()
    client.get("/?q=kantine", headers=as_reader("leder", "ledelse") | {"X-Forwarded-For": "10.1.2.3"})
    client.get("/?q=kantine", headers=as_reader("leder", "ledelse"), environ_base=UNTRUSTED)
    first, second = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (first["user"], first["ip"], first["hits"], first["status"]) == ("leder", "10.1.2.3", 1, 200)
    assert (second["user"], second["ip"], second["status"]) == (None, "10.0.0.66", 403)


# ---------------------------------------------------------------------- the command line


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def test_serve_refuses_the_network_without_sign_in_unless_told_it_is_public(corpus_index):
    for host in ("0.0.0.0", "::", "192.0.2.7"):
        refused = run("serve", "--index", corpus_index, "--host", host)
        assert refused.exit_code == 2 and f"Søkesiden lytter ikke på {host} uten innlogging" in refused.output
    assert _serve_config("0.0.0.0", None, None, (), public=True)["SOKBASE_AUTH"] is None
    for host in ("127.0.0.1", "localhost", "::1"):
        assert _serve_config(host, None, None, (), public=False)["SOKBASE_AUTH"] is None


def test_serve_checks_its_sign_in_settings_before_starting(corpus_index, tmp_path):
    assert "--trusted-proxy 127.0.0.1" in run("serve", "--index", corpus_index, "--auth", "proxy").output
    bad = run("serve", "--index", corpus_index, "--auth", "proxy", "--trusted-proxy", "proxy.example")
    assert bad.exit_code == 2 and "«proxy.example» er ikke en IP-adresse" in bad.output
    broken = tmp_path / "brukere.txt"
    broken.write_text("# brukere\nkari:scrypt:1$ab$cd:barnevern\nola\n", encoding="utf-8")
    result = run("serve", "--index", corpus_index, "--host", "0.0.0.0", "--auth", "users", broken)
    assert result.exit_code == 1
    assert result.output == f"Feil: Brukerfilen {broken} har en feil på linje 3: «ola» har ingen gyldig passord-hash " \
                            "(lag den med `sokbase user add`).\n"
    assert "trenger brukerfilen" in run("serve", "--index", corpus_index, "--auth", "users").output  # FILE is missing
    assert run("serve", "--index", corpus_index, "--auth", "users", broken, "--public").exit_code == 2


def test_user_add_asks_twice_without_echo_or_reads_stdin_and_keeps_the_rest_of_the_file(tmp_path):
    users = tmp_path / "brukere.txt"
    asked = run("user", "add", "kari", "--group", "Barnevern", "--users", users, input="passord-1234\npassord-1234\n")
    assert asked.exit_code == 0 and asked.output.endswith("La til kari (barnevern) i " + str(users) + ".\n")
    assert "passord-1234" not in asked.output and "passord-1234" not in users.read_text(encoding="utf-8")
    assert (users.stat().st_mode & 0o777) == 0o600
    with users.open("a", encoding="utf-8") as handle:
        handle.write("# lagt til for hånd\n")
    piped = run("user", "add", "ola", "--password-stdin", "--users", users, input="ola-sitt-passord\n")
    assert piped.exit_code == 0 and "La til ola (ingen grupper)" in piped.output
    again = run("user", "add", "kari", "--group", "ledelse", "--password-stdin", "--users", users, input="nytt-passord-1\n")
    assert "Oppdaterte kari (ledelse)" in again.output
    found = read_users(users)
    assert sorted(found) == ["kari", "ola"] and found["kari"].groups == ("ledelse",)
    assert "# lagt til for hånd" in users.read_text(encoding="utf-8")
    mismatch = run("user", "add", "per", "--users", users, input="passord-1234\nannet-passord\npassord-1234\npassord-1234\n")
    assert "De to verdiene er ikke like" in mismatch.output and "per" in read_users(users)
    short = run("user", "add", "per", "--password-stdin", "--users", users, input="kort\n")
    assert short.exit_code == 1 and "Passordet må ha minst 8 tegn" in short.output
    assert run("user", "remove", "ola", "--users", users).exit_code == 0 and "ola" not in read_users(users)
    assert "Fant ikke brukeren" in run("user", "remove", "ola", "--users", users).output
