"""A throw-away PostgreSQL server for the tests, from the installed binaries.

`TEST_DATABASE_URL` is used as it is when set. Otherwise `initdb` and `pg_ctl` start a server
on a free port in a temporary folder (as the `postgres` user when the tests run as root), once
per test run. Without PostgreSQL the tests that need it are skipped with the reason, unless
`REQUIRE_POSTGRES=1` (set by CI), which makes a missing server a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries or server could be had here; the message says why."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) on this machine")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(owner: str | None) -> dict[str, object]:
    if owner is None:
        return {}
    record = pwd.getpwnam(owner)
    return {"user": record.pw_uid, "group": record.pw_gid}


@contextmanager
def postgres_server() -> Iterator[str]:
    """A `postgresql://` URL of a fresh server (or TEST_DATABASE_URL), stopped at the end."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    bin_dir = _binaries()
    owner = "postgres" if os.geteuid() == 0 else None
    if owner is not None:
        try:
            pwd.getpwnam(owner)
        except KeyError as exc:
            raise PostgresUnavailable("running as root and there is no postgres user") from exc
    root = Path(tempfile.mkdtemp(prefix="veo-bot-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if owner is not None:
        shutil.chown(root, owner)
        shutil.chown(sockets, owner)
    as_owner = _as_owner(owner)
    port = _free_port()
    user = owner or pwd.getpwuid(os.geteuid()).pw_name
    try:
        subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"],
            check=True,
            capture_output=True,
            **as_owner,  # type: ignore[arg-type]
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        subprocess.run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "-l",
                str(root / "log"),
                "start",
            ],
            check=True,
            capture_output=True,
            **as_owner,  # type: ignore[arg-type]
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise PostgresUnavailable(f"could not start PostgreSQL: {exc} {detail[-300:]!r}") from exc
    try:
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            **as_owner,  # type: ignore[arg-type]
        )
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)
