# spinelib workbook: `make reports` builds the example reports, `make test` runs the tests.
# Both create the virtual environment first (make setup), so they work on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab reports test bench clean

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

reports: setup
	$(BIN)/python -m spinelib examples --out-dir reports/out

test: setup
	$(BIN)/python -m pytest -n 2 tests spinelib

bench: setup
	@set -e; for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf reports/out test-artifacts .pytest_cache
