"""A throwaway PostgreSQL server on 127.0.0.1 for the team-store tests and bench: Debian's `postgresql` package, its
`initdb` and `pg_ctl` from the versioned bin folder (off the default PATH), run as the unprivileged `postgres` account
when this process is root (both refuse root), in a folder that account owns. Password authentication, so wrong
credentials can be tested."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER = "costcap"
PASSWORD = "pg-secret-never-shown"


def bin_folder() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        which = shutil.which("initdb")
        if not which:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
        return Path(which).parent
    return Path(found[-1]).parent


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path

    def dsn(self, dbname: str, password: str = PASSWORD) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={USER} password={password}"

    def create_database(self, name: str) -> str:
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return name

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, *command, check: bool = True) -> subprocess.CompletedProcess:
        env = os.environ | {"PGPASSWORD": PASSWORD}
        done = subprocess.run([str(c) for c in _as_owner(*command)], capture_output=True, text=True, env=env,
                              timeout=120)  # fmt: skip
        if check and done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")
        return done


def start() -> Server:
    """initdb, then pg_ctl start listening on 127.0.0.1 only at a free port; no Unix socket outside its folder."""
    folder = Path(tempfile.mkdtemp(prefix="costcap-pg-", dir="/tmp"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Server(folder, _free_port(), bin_folder())
    password_file = folder / "password"
    password_file.write_text(PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    server._run(server.bin / "initdb", "-D", str(folder / "data"), "-U", USER, "--pwfile", str(password_file),
                "--auth=scram-sha-256", "-E", "UTF8", "--no-sync")  # fmt: skip
    server._run(server.bin / "pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "log"), "-w", "-t", "60",
                "-o", f"-h 127.0.0.1 -p {server.port} -k {folder} -c fsync=off -c max_connections=200", "start")  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", server.port)) == 0:
                return server
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start: {(folder / 'log').read_text()}")


def _as_owner(*command) -> list:
    """The command as the `postgres` account when this process is root."""
    if os.geteuid() != 0:
        return list(command)
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
