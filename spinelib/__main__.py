"""``python -m spinelib``: the same command line as the ``spinelib`` console script."""
from .reports.cli import main

if __name__ == "__main__":
    main(prog_name="spinelib")
