# spinelib workbook: `make reports` builds the example reports, `make test` runs the tests.
# Both create the virtual environment first (make setup), so they work on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab app reports test bench clean classroom book

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The Lab server runs with this environment's bin folder first on PATH, so its kernels and the terminals
# opened from Lab find `spinelib` (and this `jupyter`, `python`). Lab terminals start $SHELL as an
# interactive shell, as a terminal window would: by default Lab starts a login shell when it has no
# terminal of its own, and a login shell reads /etc/profile, which resets PATH on Debian and Ubuntu.
# LAB_DIR: the folder Lab opens; LAB_ARGS: more options for `jupyter lab` (e.g. LAB_ARGS="--no-browser --port 8890").
LAB_DIR  ?= notebooks
LAB_ARGS ?=
lab: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir="$(LAB_DIR)" \
		--ServerApp.terminado_settings=shell_command="$${SHELL:-/bin/sh}" $(LAB_ARGS)

# The practice companion for people who don't code: a Voila app (no code shown) that opens in the browser.
# Its log lives in the user's data folder (or SPINELIB_DATA_DIR); APP_ARGS: more options for voila
# (e.g. APP_ARGS="--no-browser --port 8866").
APP_ARGS ?=
app: setup
	$(BIN)/voila app/companion.ipynb '--VoilaConfiguration.extension_denylist=["jupyterlab-jupytext"]' $(APP_ARGS)

reports: setup
	$(BIN)/python -m spinelib examples --out-dir reports/out

test: setup
	$(BIN)/python -m pytest -n 2 tests spinelib

# The classroom edition, derived from the lessons in notebooks/: student copies (no solutions) and an
# answer key in build/classroom/. Grade a folder of submissions (one sub-folder per student) with
# `make classroom SUBMISSIONS=path/to/folder`: the grades CSV is build/classroom/grades.csv.
SUBMISSIONS ?=
classroom: setup
	$(BIN)/spinelib classroom --out-dir build/classroom
	@if [ -n "$(SUBMISSIONS)" ]; then $(BIN)/spinelib classroom --grade "$(SUBMISSIONS)" --grades build/classroom/grades.csv; fi

# The book site: the lessons run and built with Jupyter Book 1.x into build/book/_build/html (opens
# offline; nothing from a CDN). Not part of `make test` (a few minutes); tests/ui/test_book_site.py
# builds a small book instead.
book: setup
	$(BIN)/python book/build.py --out build/book

bench: setup
	@set -e; for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf reports/out test-artifacts .pytest_cache
