"""Fixtures for the practice log: a real PostgreSQL server (Debian's binaries) and a database URL per backend.

The server is started once per test session from ``/usr/lib/postgresql/*/bin`` (``initdb``,
``pg_ctl``) in a fresh temporary folder, on a free local port, with trust authentication,
and stopped at the end. PostgreSQL refuses to run as root, so as root it runs as the
``postgres`` system user that Debian's package creates (through ``runuser``). Without the
server binaries the PostgreSQL tests skip with that reason, except under CI, where
``.ci/run`` installs them and their absence fails.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

_COUNTER = itertools.count()


def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server():
    """A running PostgreSQL server: ``{"host", "port", "user"}``."""
    bindir = _pg_bin()
    if bindir is None:
        reason = "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs them, so CI must have them")
        pytest.skip(reason)
    root = tempfile.mkdtemp(prefix="spinelib-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(_as_server_user([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                    "--no-sync"]), check=True, capture_output=True, env=env)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_server_user([f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(root, "log"),
                                    "-w", "-t", "60", "start"]), check=True, capture_output=True, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield {"host": "127.0.0.1", "port": port, "user": "postgres"}
    finally:
        subprocess.run(_as_server_user([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True, env=env)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server):
    """A fresh, empty PostgreSQL database on the test server (its SQLAlchemy URL)."""
    import psycopg

    s = postgres_server
    name = f"journal_{os.getpid()}_{next(_COUNTER)}"
    with psycopg.connect(host=s["host"], port=s["port"], user=s["user"], dbname="postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://{s['user']}@{s['host']}:{s['port']}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.sqlite'}"
    return request.getfixturevalue("pg_url")
