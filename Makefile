# codesuggest developer tasks. `make serve` and `make test` work from a fresh checkout.
#
# The home (models, the database) is CODESUGGEST_HOME when set, else this checkout's var/:
# codesuggest finds it itself (codesuggest.settings), so the CLI in a plain shell, `make` and
# the notebooks use the same one. `codesuggest info` says where it is.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test lint bench openapi screenshot key

## install: create .venv, install the package with dev extras, build the default model if missing
install: $(STAMP)
	$(BIN)/codesuggest models build-default --if-missing

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

## serve: run the HTTP API on http://127.0.0.1:8000 (make serve PORT=8001 HOST=0.0.0.0;
## without them CODESUGGEST_HOST / CODESUGGEST_PORT, else 127.0.0.1:8000)
serve: install
	$(BIN)/codesuggest serve $(if $(HOST),--host "$(HOST)") $(if $(PORT),--port "$(PORT)")

## key: create an API key in the database `make serve` uses: make key ROLE=coder NAME=j.smith
key: $(STAMP)
	@test -n "$(ROLE)" -a -n "$(NAME)" || { echo "usage: make key ROLE=coder|auditor|trainer|admin NAME=name" >&2; exit 2; }
	$(BIN)/codesuggest keys create --role "$(ROLE)" --name "$(NAME)"

## test: run the test suite
test: install
	$(BIN)/python -m pytest

## lint: ruff (lint and format check) and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: run every benchmark script and print its figures
bench: install
	@set -e; found=0; \
	for script in benchmarks/*.py; do \
		[ -e "$$script" ] || continue; found=1; \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done; \
	[ "$$found" = 1 ] || { echo "no benchmarks in benchmarks/" >&2; exit 1; }

## openapi: refresh the checked-in HTTP contract api/openapi.json from the app
openapi: $(STAMP)
	$(BIN)/python -c "import json; from codesuggest.api.main import create_app; print(json.dumps(create_app().openapi(), indent=2, sort_keys=True))" > api/openapi.json

## screenshot: retake the README's picture of the review page (docs/review-page.png) in Chromium
screenshot: install
	CODESUGGEST_SCREENSHOT=$(CURDIR)/docs/review-page.png $(BIN)/python -m pytest -q \
		tests/api/test_review_page.py -k browser
