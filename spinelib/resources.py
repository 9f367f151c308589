"""Where spinelib's shipped files are: the installed package first, then the repository checkout.

``data/`` at the top of the repository is shipped inside the wheel as ``spinelib/data`` and
``reports/templates`` as ``spinelib/templates`` (hatchling ``force-include``). An editable
install has neither inside the package, so each lookup falls back to the checkout. No code or
notebook uses a relative ``../data`` path: the kernel's working folder differs between
papermill, nbmake and Voila.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["package_dir", "data_path", "data_dir", "examples_dir", "templates_dir"]

_CHECKOUT = Path(__file__).resolve().parent.parent
# inside the installed package -> inside the repository checkout
_LOCATIONS = {
    "data": ("data", "data"),
    "templates": ("templates", "reports/templates"),
}


def package_dir(kind: str) -> Path:
    """The folder of one kind of shipped file (``"data"`` or ``"templates"``).

    The installed copy wins when it exists and is not empty; otherwise the checkout's.

    >>> package_dir("data").name
    'data'
    """
    inside, checkout = _LOCATIONS[kind]
    installed = Path(str(resources.files("spinelib") / inside))
    if installed.is_dir() and any(installed.iterdir()):
        return installed
    return _CHECKOUT / checkout


def data_dir() -> Path:
    """The folder of the shipped data (``exercises.csv``, ``evidence.csv``, ``examples/``)."""
    return package_dir("data")


def data_path(name: str) -> Path:
    """Path of a data file shipped with spinelib.

    >>> data_path("exercises.csv").name
    'exercises.csv'
    """
    path = data_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"{name}: not found in the installed spinelib package nor in {_CHECKOUT / 'data'}")
    return path


def examples_dir() -> Path:
    """The example report parameter sets (``data/examples``)."""
    return data_dir() / "examples"


def templates_dir() -> Path:
    """The papermill report templates (``reports/templates`` in the checkout)."""
    return package_dir("templates")
