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

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks

reports: setup
	$(BIN)/python -m spinelib examples --out-dir reports/out

test: setup
	$(BIN)/python -m pytest -n 2 tests spinelib

bench: setup
	@set -e; for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf reports/out test-artifacts .pytest_cache
