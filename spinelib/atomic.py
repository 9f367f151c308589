"""Atomic file writes: a temporary file in the target folder, then a rename.

A failure never leaves a half-written file, and an earlier file is only replaced once the
new one is complete. Used by routine exports and by the report runner (which stages several
files and renames them together).

Before a long job writes into a folder: :func:`writable_folder` checks that it can (a one-line
:class:`~spinelib.errors.InputError` otherwise, before any work starts), and :func:`folder_lock`
keeps a second run from writing into the same folder at the same time (a ``.spinelib.lock``
file, held with an OS lock that is released when the process ends, however it ends).
"""
from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path

from .errors import InputError

__all__ = ["temp_beside", "write_temp", "atomic_write", "writable_folder", "LOCK_NAME", "folder_lock"]


def _umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


_FILE_MODE = 0o666 & ~_umask()


def temp_beside(path, suffix: str = "") -> Path:
    """An empty temporary file next to ``path`` (same folder, so a rename is atomic).

    It gets ordinary file permissions (mkstemp alone makes 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part" + suffix, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _FILE_MODE)
    return Path(tmp)


def write_temp(path, data, suffix: str = "") -> Path:
    """Write text or bytes to a temporary file beside ``path``; return the temporary path."""
    tmp = temp_beside(path, suffix)
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path, data) -> Path:
    """Write text or bytes to ``path`` atomically.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
    >>> atomic_write(p, "a,b\\n").read_text()
    'a,b\\n'
    """
    path = Path(path)
    tmp = write_temp(path, data, path.suffix)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def writable_folder(path, field: str) -> Path:
    """``path`` as a folder this process can write to, created if needed; else a one-line InputError.

    ``field`` names the option in the message (e.g. ``--out-dir``). A file where the folder
    (or one of its parents) should be, a read-only file system or missing permissions are all
    reported here, before any work starts.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "file"
    >>> _ = f.write_text("x")
    >>> writable_folder(f / "out", "--out-dir")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: --out-dir: must be a folder that can be written to (.../file/out: Not a directory)
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".spinelib-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else (exc.strerror or type(exc).__name__)
        raise InputError(field, f"a folder that can be written to ({path}: {reason})") from None
    return path


LOCK_NAME = ".spinelib.lock"


@contextlib.contextmanager
def folder_lock(folder, field: str, *, wait: float = 3.0, on_wait=None):
    """Hold the lock of ``folder`` (its ``.spinelib.lock`` file) for the block.

    When another process holds it, ``on_wait()`` is called once and the lock is waited for up
    to ``wait`` seconds (``math.inf``: as long as it takes); then a one-line InputError naming
    ``field`` and the folder. The OS releases the lock when its holder ends, even when killed;
    the empty lock file stays in the folder.
    """
    from filelock import FileLock, Timeout

    folder = Path(folder)
    lock = FileLock(str(folder / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait()
        try:
            lock.acquire(timeout=-1 if math.isinf(wait) else max(wait, 0))
        except Timeout:
            raise InputError(field, f"a folder no other spinelib run is writing to ({folder} is in use by another run: "
                                    "wait for it to finish, or ask to wait with --wait)") from None
    try:
        yield lock
    finally:
        lock.release()
