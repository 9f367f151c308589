"""`make lab`: the JupyterLab server, its kernels and the terminals opened from Lab find `spinelib`.

The test starts the Makefile's own `lab` recipe (with LAB_DIR and LAB_ARGS for a private folder,
port and token, and a private runtime folder, and a PATH without the environment, as in a fresh shell), then checks
what the server and a kernel inherit (``/proc/<pid>/environ``) and what a real Lab terminal
answers to ``command -v spinelib``. Everything it started is stopped before it returns.
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
START_TIMEOUT = 90.0  # only to give up instead of hanging; nothing asserts on time


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


class _Server:
    def __init__(self, port: int, token: str, runtime: Path):
        self.base, self.token, self.runtime = f"http://127.0.0.1:{port}", token, runtime

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def pid(self) -> int:
        """The server's process id, from the server file it writes into its runtime folder."""
        files = sorted(self.runtime.glob("jpserver-*.json"))
        assert files, f"no server file in {self.runtime}"
        return json.loads(files[0].read_text())["pid"]


def _wait_until_up(proc: subprocess.Popen, server: _Server, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"make lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            server.api("/api/status")
            if list(server.runtime.glob("jpserver-*.json")):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"make lab did not answer in {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)


async def _terminal_answer(server: _Server, name: str, command: str, marker: str) -> str:
    """Type ``command`` into Lab terminal ``name``; return its output up to ``marker``."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{server.base.rsplit(':', 1)[1]}/terminals/websocket/{name}"
                                 f"?token={server.token}")
    try:
        await ws.write_message(json.dumps(["stdin", command + "\r"]))
        seen = ""
        while marker not in seen:
            msg = await asyncio.wait_for(ws.read_message(), START_TIMEOUT)
            assert msg is not None, f"the terminal closed; it printed:\n{seen}"
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                seen += rest[0]
        return seen
    finally:
        ws.close()


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # gone, or a zombie, meanwhile
        return ""


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (a dead child not yet reaped)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _stop(proc: subprocess.Popen, pids: list[int]) -> None:
    """Stop make and the server (its process group), then make sure the kernel and the terminal went too."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=30)
    for p in alive:  # only what this test started
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=10)


def test_make_lab_puts_the_environment_first_on_path(tmp_path):
    """make lab: the server runs with .venv/bin first on PATH; a kernel inherits it, and a terminal opened
    from Lab finds this checkout's `spinelib` (it is not a login shell that resets PATH from /etc/profile)."""
    make = shutil.which("make")
    if make is None or not (VENV_BIN / "jupyter").exists():
        if _in_ci():
            pytest.fail("make lab needs make and the .venv that `make setup` creates")
        pytest.skip("no make or no .venv (run `make setup`)")
    runtime, root = tmp_path / "runtime", tmp_path / "root"
    runtime.mkdir()
    root.mkdir()
    (tmp_path / "settings").mkdir()
    (tmp_path / "workspaces").mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
                f"--ServerApp.token={token} --LabApp.news_url=None")
    plain_path = os.pathsep.join(p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
                                 if Path(p).resolve() != VENV_BIN.resolve())
    env = {**os.environ, "PATH": plain_path, "JUPYTER_RUNTIME_DIR": str(runtime),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    env.pop("VIRTUAL_ENV", None)
    log = tmp_path / "lab.log"
    # -o: never reinstall here, even if pyproject.toml is newer than the install stamp
    cmd = [make, "-s", "-o", ".venv/.installed-stamp", "lab", f"LAB_DIR={root}", f"LAB_ARGS={lab_args}"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = _Server(port, token, runtime)
    started: list[int] = []
    try:
        _wait_until_up(proc, server, log)
        server_pid = server.pid()
        started.append(server_pid)
        server_path = _environ(server_pid)["PATH"].split(os.pathsep)
        assert Path(server_path[0]) == VENV_BIN, f"the server's PATH starts with {server_path[0]}"

        kernel = server.api("/api/kernels", "POST", {"name": "python3"})
        terminal = server.api("/api/terminals", "POST")
        children = psutil.Process(server_pid).children(recursive=True)
        started += [c.pid for c in children]
        kernels = [c for c in children if "ipykernel_launcher" in _cmdline(c)]
        assert kernels, "no kernel process under the server"
        assert Path(_environ(kernels[0].pid)["PATH"].split(os.pathsep)[0]) == VENV_BIN

        # in a thread of its own: another plugin (pytest-playwright) may already run an event loop here
        with ThreadPoolExecutor(max_workers=1) as pool:
            said = pool.submit(asyncio.run, _terminal_answer(server, terminal["name"],
                                                             "command -v spinelib; echo END_OF_$((6*7))",
                                                             "END_OF_42")).result()
        found = [line.strip() for line in said.splitlines() if line.strip().endswith("/spinelib")]
        assert found and Path(found[-1]) == VENV_BIN / "spinelib", f"the terminal said:\n{said}"
        server.api(f"/api/terminals/{terminal['name']}", "DELETE")
        server.api(f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        _stop(proc, started)
    assert not [p for p in started if _running(p)], "a process started by make lab is still running"
