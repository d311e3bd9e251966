# mediakpi: one command per job. Needs only Python 3.11+, git and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lab setup bench bench-quick templates clean-generated

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

## lab: JupyterLab on the project with the project's kernel ("Python (mediakpi)")
lab: setup
	$(BIN)/jupyter lab --notebook-dir=. notebooks/

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

bench-quick: setup
	$(BIN)/mediakpi bench --skip-scale

templates: setup
	$(BIN)/mediakpi templates
