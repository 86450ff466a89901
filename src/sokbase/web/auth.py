"""Who is asking: the reader of each request, from a reverse proxy's headers or the page's own sign-in.

- No auth (`sokbase serve` on loopback, or `--public`): every request is an anonymous reader, who sees
  the documents without an access rule.
- `proxy`: a reverse proxy in front (oauth2-proxy, mod_auth_openidc …) signs people in and names the
  user and groups in headers. Only a request from a trusted proxy address is served at all; any other
  request is refused, so a client cannot name itself a user by sending the header.
- `users`: a users file (users.py), a sign-in page, and a session per sign-in kept in the server's
  memory: a cookie holds only a random token, signing out ends the session on the server, and a
  server restart ends every session.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request, url_for

from ..access import EVERYONE, reader_values
from ..errors import SokbaseError
from ..users import User, UsersFileError, check_password, read_users

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

SESSION_COOKIE = "sokbase_sesjon"
FORM_COOKIE = "sokbase_skjema"
IDLE_SECONDS = 4 * 3600  # a session unused this long ends
LONGEST_SECONDS = 12 * 3600  # and any session after a working day
OPEN_PATHS = ("/healthz",)  # answered without a user: it shows no documents (see views.healthz)


@dataclass(frozen=True)
class Reader:
    user: str | None  # None: not signed in
    groups: tuple[str, ...] = ()


ANONYMOUS = Reader(None)


class TrustedProxies:
    """Addresses (or networks, 10.0.0.0/8) a reverse proxy connects from."""

    def __init__(self, addresses: list[str]):
        self.networks = [parse_address(address) for address in addresses]

    def __contains__(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def parse_address(address: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(address.strip(), strict=False)
    except ValueError:
        raise SokbaseError(f"«{address}» er ikke en IP-adresse eller et nett (f.eks. 127.0.0.1 eller 10.0.0.0/8)") from None


@dataclass
class Session:
    user: str
    password_hash: str  # a changed password ends the session
    csrf: str
    created: float
    seen: float


class Sessions:
    """Sessions by the sha256 of their token (the token itself is only in the reader's cookie)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._drop_expired(now)
            self._sessions[_digest(token)] = Session(user.name, user.password_hash, secrets.token_urlsafe(32), now, now)
        return token

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(_digest(token))
            if session is None or _expired(session, now):
                self._sessions.pop(_digest(token), None)
                return None
            session.seen = now
            return session

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._sessions.pop(_digest(token), None)

    def _drop_expired(self, now: float) -> None:
        for key in [key for key, session in self._sessions.items() if _expired(session, now)]:
            del self._sessions[key]


def _expired(session: Session, now: float) -> bool:
    return now - session.seen > IDLE_SECONDS or now - session.created > LONGEST_SECONDS


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Throttle:
    """Failed sign-ins per user name and per address: after FREE failures, each further attempt must
    wait 1, 2, 4 … up to MAX_WAIT seconds, and an attempt too soon is refused unchecked."""

    FREE = 2
    MAX_WAIT = 60.0
    FORGET = 3600.0  # a key without failures for this long is forgotten

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key → (failures, time of the last)
        self._lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        now = self.clock()
        with self._lock:
            return max((self._until(key) - now for key in keys), default=0.0)

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] < self.FORGET}
            for key in keys:
                count, _ = self._failures.get(key, (0, now))
                self._failures[key] = (count + 1, now)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _until(self, key: str) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count <= self.FREE:
            return 0.0
        return last + min(self.MAX_WAIT, 2.0 ** (count - self.FREE - 1))


class UsersFile:
    """The users file, read again when it changes (a removed user or changed password counts from
    the next request). A file with a mistake closes sign-in rather than keep an old list."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: tuple | None = None
        self._users: dict[str, User] = {}
        self._error: UsersFileError | None = None
        self._lock = threading.Lock()
        self.users()  # a mistake is reported at start-up

    def users(self) -> dict[str, User]:
        with self._lock:
            try:
                status = self.path.stat()
                stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
            except OSError:
                stamp = None
            if stamp != self._stamp or stamp is None:
                self._stamp = stamp
                try:
                    self._users, self._error = read_users(self.path), None
                except UsersFileError as error:
                    self._users, self._error = {}, error
                    log.error("%s", error)
            if self._error is not None:
                raise self._error
            return self._users


@dataclass
class Auth:
    """How this app knows who asks; in app.extensions["sokbase_auth"]."""

    mode: str | None  # None, "proxy" or "users"
    trusted: TrustedProxies
    user_header: str = "X-Forwarded-User"
    groups_header: str = "X-Forwarded-Groups"
    users: UsersFile | None = None
    sessions: Sessions = field(default_factory=Sessions)
    throttle: Throttle = field(default_factory=Throttle)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def setup(app: Flask) -> None:
    """Read the auth settings from the app's config; a bad users file or address stops start-up."""
    config = app.config
    mode = config.get("SOKBASE_AUTH")
    if mode not in (None, "proxy", "users"):
        raise SokbaseError(f"Ukjent innlogging «{mode}»: bruk proxy eller users.")
    trusted = TrustedProxies(list(config.get("SOKBASE_TRUSTED_PROXIES") or []))
    users = UsersFile(Path(config["SOKBASE_USERS"])) if mode == "users" else None
    auth = Auth(mode, trusted, config.get("SOKBASE_USER_HEADER") or "X-Forwarded-User",
                config.get("SOKBASE_GROUPS_HEADER") or "X-Forwarded-Groups", users)
    if mode == "proxy" and not trusted.networks:
        raise SokbaseError("Innlogging gjennom proxy trenger adressen til proxyen (--trusted-proxy).")
    app.extensions["sokbase_auth"] = auth
    app.before_request(_identify)
    app.context_processor(lambda: {"reader": current_reader(), "auth_mode": auth.mode,
                                   "signout_token": g.get("signout_token")})
    app.register_blueprint(bp)


def auth() -> Auth:
    return current_app.extensions["sokbase_auth"]


def current_reader() -> Reader:
    """The reader of this request; anonymous (the least one may see) wherever none was set."""
    return g.get("reader", ANONYMOUS)


def client_address() -> str | None:
    """The reader's address: the proxy's X-Forwarded-For when the request came through a trusted one."""
    peer = request.remote_addr
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in auth().trusted and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer


def is_secure() -> bool:
    """HTTPS to the reader: here, or at a trusted proxy in front (X-Forwarded-Proto)."""
    if request.is_secure:
        return True
    return request.remote_addr in auth().trusted and request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _identify():
    settings = auth()
    if settings.mode is None or request.path in OPEN_PATHS:
        return None
    if settings.mode == "proxy":
        return _from_proxy(settings)
    return _from_session(settings)


def _from_proxy(settings: Auth):
    if request.remote_addr not in settings.trusted:
        log.warning("refused a request from %s: not a trusted proxy", request.remote_addr)
        abort(403, "Søkesiden kan bare brukes gjennom innloggingen (den omvendte proxyen).")
    user = request.headers.get(settings.user_header, "").strip()
    if not user:
        abort(403, "Innloggingen oppga ingen bruker. Si fra til den som drifter søket.")
    groups = request.headers.get(settings.groups_header, "")
    g.reader = Reader(user, tuple(sorted(reader_values(groups.split(",")) - {EVERYONE})))
    return None


def _from_session(settings: Auth):
    try:
        users = settings.users.users()
    except UsersFileError:
        abort(503, "Innloggingen er stengt fordi brukerfilen har en feil. Si fra til den som drifter søket.")
    session = settings.sessions.get(request.cookies.get(SESSION_COOKIE))
    user = users.get(session.user) if session else None
    if session and (user is None or user.password_hash != session.password_hash):
        settings.sessions.end(request.cookies.get(SESSION_COOKIE))  # removed, or a new password
        user = None
    if user is not None:
        g.reader = Reader(user.name, user.groups)
        g.signout_token = session.csrf
        return None
    if request.blueprint == "auth" or request.path.startswith("/static/"):
        return None
    if request.path.startswith("/api/"):
        abort(401, "Logg inn på søkesiden først.")
    return redirect(url_for("auth.sign_in", neste=request.full_path.rstrip("?")), 303)


# ---------------------------------------------------------------------- sign-in and sign-out


@bp.route("/logg-inn", methods=["GET", "POST"])
def sign_in():
    settings = auth()
    if settings.mode != "users":
        abort(404)
    target = _local_path(request.values.get("neste", ""))
    if current_reader().user is not None:
        return redirect(target, 303)
    if request.method == "GET":
        return _form(target, notice="Du er logget ut." if request.args.get("ut") else None)
    if not _valid_form_token(settings):
        return _form(target, error="Skjemaet var utløpt eller kom fra en annen side. Prøv igjen.", status=400)
    name = request.form.get("brukernavn", "").strip()
    keys = [f"user:{name.casefold()}", f"address:{client_address()}"]
    wait = settings.throttle.wait(keys)
    if wait > 0:
        seconds = math.ceil(wait)
        return _form(target, error=f"For mange mislykkede forsøk. Vent {seconds} sekund{'er' if seconds > 1 else ''} "
                                   "og prøv igjen.", name=name, status=429)
    user = settings.users.users().get(name)
    if not check_password(user, request.form.get("passord", "")):
        settings.throttle.failed(keys)
        return _form(target, error="Feil brukernavn eller passord.", name=name, status=401)
    settings.throttle.succeeded(keys)
    settings.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = redirect(target, 303)
    response.set_cookie(SESSION_COOKIE, settings.sessions.start(user), httponly=True, samesite="Lax",
                        secure=is_secure(), path="/")
    response.delete_cookie(FORM_COOKIE, path="/logg-inn")
    g.reader = Reader(user.name, user.groups)  # for the access log
    return response


@bp.post("/logg-ut")
def sign_out():
    settings = auth()
    if settings.mode != "users":
        abort(404)
    token = request.cookies.get(SESSION_COOKIE)
    session = settings.sessions.get(token)
    if session is not None and not hmac.compare_digest(request.form.get("csrf", ""), session.csrf):
        abort(400, "Utloggingen kom ikke fra søkesiden. Logg ut med knappen øverst på siden.")
    settings.sessions.end(token)
    response = redirect(url_for("auth.sign_in", ut=1), 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _form(target: str, error: str | None = None, notice: str | None = None, name: str = "", status: int = 200):
    """The sign-in page with a fresh form token, also in a cookie only this page gets (double submit)."""
    token = _form_token(auth().secret)
    page = render_template("sign_in.html", target=target, error=error, notice=notice, name=name, token=token)
    response = current_app.make_response((page, status))
    response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="Strict", secure=is_secure(), path="/logg-inn")
    return response


def _form_token(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(secret, nonce)}"


def _valid_form_token(settings: Auth) -> bool:
    sent, kept = request.form.get("csrf", ""), request.cookies.get(FORM_COOKIE, "")
    nonce, _, signature = sent.partition(".")
    return bool(nonce) and hmac.compare_digest(sent, kept) and hmac.compare_digest(signature, _sign(settings.secret, nonce))


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode("utf-8"), hashlib.sha256).hexdigest()


def _local_path(target: str) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return url_for("search.search_page")
