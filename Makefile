# Gongkai make targets. `make help` lists them. Every target installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= var/gongkai.db
DEMO_DB ?= var/demo/gongkai.db
SERVE ?= 1
# pytest: -p no:cacheprovider keeps the tree clean; xdist spreads the default suite over both cores.
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: help setup demo submit test test-slow test-all lint fix bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its development tools

demo: $(STAMP) ## generate the embedded demo data, submit it, and show what was stored (SERVE=0: unattended)
	$(BIN)/python -m gongkai.demo --db $(DEMO_DB) --serve $(SERVE)

submit: $(STAMP) ## submit a file: make submit FILE=rows.csv KIND=land AGENCY="某市自然资源局" [MAP=map.yml] [DRY_RUN=1]
	@test -n "$(FILE)" -a -n "$(KIND)" -a -n "$(AGENCY)" || { echo 'usage: make submit FILE=… KIND=… AGENCY=… [MAP=…] [DRY_RUN=1]' >&2; exit 2; }
	@test -f $(DB) || $(BIN)/gongkai --db $(DB) init
	$(BIN)/gongkai --db $(DB) submit "$(FILE)" --kind "$(KIND)" --agency "$(AGENCY)" $(if $(MAP),--map "$(MAP)") $(if $(DRY_RUN),--dry-run)

test: $(STAMP) ## the default suite (fast; slow, browser and fuzz tests excluded)
	$(PYTEST) -n 2 -q

test-slow: $(STAMP) ## slow tests only (crash/kill suite, big files)
	$(PYTEST) -q -m slow

test-all: $(STAMP) ## every test
	$(PYTEST) -n 2 -q -m ''

lint: $(STAMP) ## ruff (with security rules)
	$(BIN)/ruff check .

fix: $(STAMP) ## let ruff fix what it can
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## benchmarks, printed as ratios to baselines measured in the same run
	$(BIN)/python -m gongkai.bench

clean: ## remove generated state (database, site, demo files)
	rm -rf var site bench-results

# Targets of later pipeline stages (each block added with its stage):
# [make: collect]
# [make: site]
# [make: search]
