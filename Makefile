# mediakpi: one command per job. Needs only Python 3.11+, git and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo test test-fast lint format typecheck lab setup bench bench-quick templates

## help: this list of targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## demo: create .venv, write the demo team if data/raw has no month yet, run the latest month, print the index path
demo: setup
	@$(BIN)/mediakpi demo
	@$(BIN)/mediakpi backfill --period $$($(BIN)/mediakpi latest)
	@$(BIN)/mediakpi run --period $$($(BIN)/mediakpi latest)

## test: the whole test suite (unit, end to end, notebooks with nbval, reports in headless Chromium)
test: setup
	@bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest

## test-fast: unit tests only (no demo-month stages, notebooks, kernels or browser): the edit loop, about a minute
test-fast: setup
	$(BIN)/python -m pytest -m "not slow" -q tests

## lint: ruff check (lint rules in pyproject.toml) and lint-imports (the layer contract); make test runs both too
lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## format: ruff's import order and format on the Python files changed against main (or FILES="a.py b.py"):
## formatting is applied file by file, when a file is next edited (docs/architecture.md)
format: setup
	@files="$(FILES)"; [ -n "$$files" ] || files=$$( { git diff --name-only --diff-filter=d main -- '*.py'; \
		git ls-files --others --exclude-standard -- '*.py'; } | sort -u); \
	if [ -z "$$files" ]; then echo "no changed Python files"; else \
		$(BIN)/ruff check --select I --fix $$files && $(BIN)/ruff format $$files; fi

## typecheck: mypy over lib/mediakpi (the baseline of modules not yet checked is in pyproject.toml; it only shrinks)
typecheck: setup
	$(BIN)/mypy

## lab: JupyterLab on the project with the project's kernel ("Python (mediakpi)"), on 127.0.0.1 with a token
## (--allow-root only when run as root; nothing fetched from the network). LAB_PORT=8899 make lab for another port.
lab: setup
	@$(BIN)/python -m mediakpi.lab

## setup: the environment only (.venv from PyPI, editable install, Jupyter kernel, nbstripout filter)
setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mediakpi needs Python 3.11 or newer (found " + sys.version.split()[0] + "); run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name mediakpi --display-name "Python (mediakpi)" >/dev/null
	@if [ -d .git ]; then $(BIN)/nbstripout --install --attributes .gitattributes; fi
	@touch $(STAMP)

## bench: figures for the README's performance section (demo month vs floor, 1M-post month, what-if)
bench: setup
	$(BIN)/mediakpi bench

## bench-quick: the demo month against the five-kernel floor only (no 1M-post month)
bench-quick: setup
	$(BIN)/mediakpi bench --skip-scale

## templates: write the team-table templates (data/raw/templates/)
templates: setup
	$(BIN)/mediakpi templates
