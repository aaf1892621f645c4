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

# pip's own output is long; its log is kept in $(VENV)/pip.log and each package is named as it is fetched
# (a first install takes a minute or two: without this it looks stuck). The full log is shown on failure.
PIP_LOG := $(VENV)/pip.log
PIP_SHOW := sed -u -n -E -e 's/^Collecting ([^ ]+).*/   fetching \1/p' -e 's/^Installing collected packages.*/   installing them …/p' \
	-e 's/^Successfully installed (.*)/   installed \1/p'
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "== creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "== installing Gongkai with its development tools and extras into $(VENV) (the first time takes a minute or two; log: $(PIP_LOG))"
	@set -o pipefail; { $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e '.[dev,demo,scrapyd]'; } 2>&1 \
		| tee $(PIP_LOG) | $(PIP_SHOW) || { cat $(PIP_LOG) >&2; echo "== pip failed: see above or $(PIP_LOG)" >&2; exit 1; }
	@touch $(STAMP)
	@echo "== installed"

setup: $(STAMP) ## create .venv and install the project with its development tools and the demo and scrapyd extras

demo: $(STAMP) ## the whole pipeline on the embedded demo data: submit, crawl, build, index, publish, serve on SERVE_PORT (SERVE=0: unattended)
	$(BIN)/python -m demo --db $(DEMO_DB) --serve $(SERVE) --port $(SERVE_PORT)

# A refused file: gongkai exits 1 (make prints "Error 1"); make's own exit status is then 2, as GNU make
# exits 2 whenever a recipe fails. PUBLISH=1: once stored, build the site (and search index) into SITE and
# publish the Datasette snapshot of DB in the same step.
submit: $(STAMP) ## submit a file: make submit FILE=rows.csv KIND=land AGENCY="某市自然资源局" [MAP=map.yml] [REGION=440606] [DRY_RUN=1] [PUBLISH=1] [SUBMIT_LANG=en]
	@test -n "$(FILE)" -a -n "$(KIND)" -a -n "$(AGENCY)" || { echo 'usage: make submit FILE=… KIND=… AGENCY=… [MAP=…] [REGION=…] [DRY_RUN=1] [PUBLISH=1] [SUBMIT_LANG=en]' >&2; exit 2; }
	@test -f $(DB) || $(BIN)/gongkai --db $(DB) init
	@$(BIN)/gongkai --db $(DB) submit "$(FILE)" --kind "$(KIND)" --agency "$(AGENCY)" $(if $(MAP),--map "$(MAP)") $(if $(REGION),--region "$(REGION)") $(if $(DRY_RUN),--dry-run) $(if $(SUBMIT_LANG),--lang "$(SUBMIT_LANG)") $(if $(PUBLISH),--no-hints)
ifneq ($(and $(PUBLISH),$(if $(DRY_RUN),,1)),)
	$(BIN)/gongkai --db $(DB) build --out $(SITE)
	$(BIN)/gongkai --db $(DB) publish
endif

test: $(STAMP) ## the default suite (fast; slow and browser tests excluded)
	$(PYTEST) -n 2 -q

test-slow: $(STAMP) ## slow tests only (100k-row generation and other long runs)
	$(PYTEST) -q -m slow

test-all: $(STAMP) ## every test
	$(PYTEST) -n 2 -q -m ''

# mypy (configured in pyproject [tool.mypy]) runs on every product package (0 errors required) and on
# demo/ and bench/ beside it (0 errors too).
MYPY_PACKAGES := models store collectors search_index publish gongkai demo bench
lint: $(STAMP) ## ruff (with security rules) and mypy on MYPY_PACKAGES
	$(BIN)/ruff check .
	$(BIN)/mypy $(MYPY_PACKAGES)

fix: $(STAMP) ## let ruff fix what it can
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## benchmarks, printed as ratios to baselines measured in the same run
	$(BIN)/python -m bench

clean: ## remove generated state (database, site, demo files)
	rm -rf var site bench-results

# Targets of the pipeline stages after submission: collect, site, search.
BASE_URL ?=
PORT ?= 8790
collect: $(STAMP) ## crawl the sources into $(DB): make collect [SPIDERS="ggzy ccgp"] [BASE_URL=http://127.0.0.1:8790]
	$(BIN)/gongkai --db $(DB) collect $(SPIDERS) $(if $(BASE_URL),--base-url $(BASE_URL))

portal: $(STAMP) ## serve the imitation portal of every source family on 127.0.0.1:$(PORT)
	$(BIN)/gongkai portal --port $(PORT)

golden-collect: $(STAMP) ## re-record the spiders' golden responses and replay them: prints the diff, fails on a change; ACCEPT=1 writes it
	$(BIN)/python -m demo.replay --record $(if $(ACCEPT),--accept)

scrapyd-deploy: $(STAMP) ## deploy the spiders to the Scrapyd target of scrapy.cfg (TARGET=local)
	$(BIN)/python -m collectors.deploy $(or $(TARGET),local)

.PHONY: collect portal golden-collect scrapyd-deploy
SITE ?= site
.PHONY: build golden messages test-browser
build: $(STAMP) ## render the database (DB=…) as the static site and feeds in SITE=site/ (incremental)
	$(BIN)/gongkai --db $(DB) build --out $(SITE)

golden: $(STAMP) ## rebuild the golden site pages and feeds: prints the diff, fails on a change; ACCEPT=1 writes it
	GONGKAI_GOLDEN=$(if $(ACCEPT),accept,review) $(PYTEST) -q -s tests/test_site_golden.py -k test_golden_pages

messages: $(STAMP) ## extract interface strings into the English catalogue (fails while any is untranslated)
	$(BIN)/python -m publish.site.messages

test-browser: $(STAMP) ## browser tests in headless Chromium (/usr/bin/chromium): console, links, axe, 320 px
	$(PYTEST) -q -m browser
SERVE_PORT ?= 8001
.PHONY: index publish serve datasette-metadata
index: $(STAMP) ## update the search index of DB (incremental; a full build the first time)
	$(BIN)/gongkai --db $(DB) index

publish: $(STAMP) ## publish a checked, immutable snapshot of DB for Datasette (beside it in published/)
	$(BIN)/gongkai --db $(DB) publish

serve: $(STAMP) ## index + publish DB, then serve Datasette, the site (/site/) and search (/-/search) on 127.0.0.1:SERVE_PORT
	$(BIN)/gongkai --db $(DB) serve --port $(SERVE_PORT) --site $(SITE)

datasette-metadata: $(STAMP) ## regenerate datasette/metadata.json from metadata.base.yml and the models
	$(BIN)/python -c 'from publish.metadata import write_metadata; print(write_metadata())'
