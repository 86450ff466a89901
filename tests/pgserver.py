"""A throwaway PostgreSQL server for tests and measurements: initdb into a temporary folder, listening
on a Unix socket in that folder and on a free loopback port.

PostgreSQL's server binaries refuse to run as root; as root they run as the `postgres` user, and the
folder is made theirs. They are not on PATH: `pg_config --bindir` names their folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "sokbase_admin"
PASSWORD = "hemmelig-passord-42"  # tests check that it never shows in output


class PostgresMissing(RuntimeError):
    """The server binaries are not installed here."""


def bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        raise PostgresMissing("pg_config is not on PATH (Debian package postgresql)")
    folder = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
    if not (folder / "initdb").exists() or not (folder / "postgres").exists():
        raise PostgresMissing(f"no initdb/postgres in {folder} (Debian package postgresql)")
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running server: `url(db)` over TCP with the password, `socket_url(db)` over the Unix socket."""

    folder: Path
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", password: str = PASSWORD, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """The URL of an empty database `name`, dropped first if a run before left one."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def socket_url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.folder}&port={self.port}&user={SUPERUSER}"

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a server binary as the user that owns the folder."""
        return subprocess.run(_as_owner([str(self.bin / command[0]), *command[1:]]), capture_output=True,
                              text=True, check=check, timeout=120)

    def start(self) -> None:
        self.run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                 "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1")

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data), check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def replica(self) -> Server:
        """A streaming read replica of this server (pg_basebackup -R), started on a port of its own."""
        replica = Server(_new_folder("sokbase-pg-replica-"), free_port(), self.bin)
        replica.run("pg_basebackup", "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
                    "-d", f"host={self.folder} port={self.port} user={SUPERUSER}")
        replica.start()
        return replica

    def log(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")
        except OSError:
            return ""


def start_server(settings: dict[str, str] | None = None) -> Server:
    """initdb and start a server; local (socket) connections are trusted, TCP ones need the password."""
    server = Server(_new_folder("sokbase-pg-"), free_port(), bindir())
    password_file = server.folder / "pw"
    password_file.write_text(PASSWORD + "\n")
    _give_to_owner(password_file)
    server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, f"--pwfile={password_file}", "--auth-local=trust",
               "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
    password_file.unlink()
    with open(server.data / "postgresql.conf", "a") as conf:
        for name, value in (settings or {}).items():
            conf.write(f"{name} = {value}\n")
    with open(server.data / "pg_hba.conf", "a") as hba:
        hba.write("local replication all trust\n")
    try:
        server.start()
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{server.log()}") from None
    return server


def _new_folder(prefix: str) -> Path:
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    _give_to_owner(folder)
    return folder


def _server_user() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _give_to_owner(path: Path) -> None:
    if _server_user():
        shutil.chown(path, user=_server_user(), group=_server_user())


def _as_owner(command: list[str]) -> list[str]:
    user = _server_user()
    return ["runuser", "-u", user, "--", *command] if user else command


def wait_until(condition, seconds: float = 30.0, every: float = 0.1):
    """Poll `condition()` until it returns something true; that value, or None after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None
