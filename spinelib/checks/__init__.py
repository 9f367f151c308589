"""Self-checks for the "Try it" exercises in the notebooks.

In a notebook::

    from spinelib import check
    answer = 6.67
    check("02-exhale", answer)     # -> a CheckResult that says what is right or wrong

The machinery (registry, :func:`check`, checker helpers) is in :mod:`.core`; each notebook's
exercises are in one module named by its concept. Importing this package imports them all,
so :data:`EXERCISES` holds every exercise.
"""
from __future__ import annotations

# each module registers its notebook's exercises; imported in notebook order (00-07) so the
# registry lists them in the order the notebooks ask them
from . import start_here  # noqa: F401  (00)
from . import micro_strength  # noqa: F401  (01)
from . import calm_first  # noqa: F401  (02)
from . import transitions  # noqa: F401  (03)
from . import structured_load  # noqa: F401  (04)
from . import consistency  # noqa: F401  (05)
from . import build_your_routine  # noqa: F401  (06)
from . import trust  # noqa: F401  (07)
from .core import EXERCISES, CheckResult, Exercise, check, exercises, register

__all__ = ["check", "CheckResult", "Exercise", "EXERCISES", "register", "exercises"]
