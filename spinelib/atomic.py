"""Atomic file writes: a temporary file in the target folder, then a rename.

A failure never leaves a half-written file, and an earlier file is only replaced once the
new one is complete. Used by routine exports and by the report runner (which stages several
files and renames them together).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["temp_beside", "write_temp", "atomic_write"]


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
