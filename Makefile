# The two commands that matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export ABM_WAREHOUSE_PATH ?= data/warehouse.duckdb
export ABM_TRUTH_DIR ?= data/truth
export ABM_DEV_WAREHOUSE_PATH ?= data/dev.duckdb
SAMPLE_ACCOUNTS ?= 5000
SAMPLE_SEED ?= 42

.PHONY: help install sample run test pytest lint unit ui bench clean dev diff docs dashboard

help:
	@echo "make run    - install, make sample data, run the daily job through Dagster"
	@echo "make test   - install, lint (sqlfluff, ruff), pytest"
	@echo "make sample - (re)generate sample data into data/landing"
	@echo "make ui     - Dagster UI on http://127.0.0.1:3000"
	@echo "make bench  - S/M/L benchmark into benchmarks/results/"
	@echo "make dev    - build your dev warehouse (copy of production + your seeds/vars);"
	@echo "              MODEL=<model> rebuilds it and what depends on it; AS_OF=YYYY-MM-DD"
	@echo "make diff   - what the dev build changes in the published marts and tiers"
	@echo "make docs   - dbt docs site and GX Data Docs (offline), prints where to open them"
	@echo "make dashboard - the dashboard on http://127.0.0.1:8501 (DASHBOARD_PORT=...)"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,dashboard]'
	@touch $(STAMP)

# The tests also build on local Spark (tests marked spark): the spark extra, for
# `make test` only, so that `make run` stays without PySpark. Java 17: .ci/run.
SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,dashboard,spark]'
	@touch $(SPARK_STAMP)

install: $(STAMP)

dagster-home:
	@mkdir -p $(DAGSTER_HOME)
	@cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

sample: $(STAMP)
	$(PY) -m sample_data --accounts $(SAMPLE_ACCOUNTS) --seed $(SAMPLE_SEED) \
		--landing data/landing --truth $(ABM_TRUTH_DIR)

# The sample is made only when no landing folder was named and none exists yet.
run: $(STAMP) dagster-home
	@if [ -z "$$ABM_LANDING_DIR" ] && [ ! -d data/landing ]; then $(MAKE) --no-print-directory sample; fi
	$(PY) -m orchestration.lib.dbt_parse
	$(PY) -m orchestration.lib.runner

# sqlfluff's dbt templater parses the project with the lint target: into its own
# target folder, so that it can run beside pytest (which parses into target/). It
# renders models, tests and snapshots; macro files it skips (with one warning each).
# LINT_PROCESSES: sqlfluff processes (0: one per core). `make test` lints in one process:
# beside pytest the CPU is the limit, and each process compiles the project again (one:
# ~170 CPU-s, two: ~205, measured on 2 cores).
LINT_PROCESSES ?= 0
lint: $(STAMP)
	$(BIN)/ruff check orchestration sample_data tests benchmarks scripts dashboard
	ABM_DBT_TARGET=lint DBT_TARGET_PATH=target/lint $(BIN)/sqlfluff lint models data-tests snapshots --disable-progress-bar --processes $(LINT_PROCESSES)

# Lint and pytest run side by side, lint in one process (LINT_PROCESSES above): it fills
# CPU that pytest's workers leave idle; either failing fails.
test: $(STAMP) $(SPARK_STAMP)
	@$(MAKE) --no-print-directory -j2 lint pytest LINT_PROCESSES=1

# One pytest worker more than cores (at most 5): the Spark module waits on its JVM and
# the refresh scenarios on subprocesses and narrow stretches of the dbt graph, so a
# third worker on two cores fills the CPU the other two leave idle.
PYTEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 4 ? n + 1 : 5 )))

pytest: $(STAMP) $(SPARK_STAMP)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations 25 -m "not daemon"

ui: $(STAMP) dagster-home
	$(PY) -m orchestration.lib.dbt_parse
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# The analyst's loop (README "Change a rule"): never writes production or the publication.
#   make dev                          copy production's warehouse, build everything in dev
#   make dev MODEL=account_tiers      rebuild one model and what depends on it (a seed too)
#   make dev SELECT='a+ b+' AS_OF=2026-11-23 ARGS=--full-refresh
DEV_SELECT = $(or $(SELECT),$(if $(MODEL),$(MODEL)+))
dev: $(STAMP)
	$(PY) -m scripts.dev_build $(if $(DEV_SELECT),--select '$(DEV_SELECT)') \
		$(if $(AS_OF),--as-of $(AS_OF)) $(if $(ARGS),-- $(ARGS))

diff: $(STAMP)
	$(PY) -m orchestration.lib.dev_diff $(if $(AS_OF),--as-of $(AS_OF))

docs: $(STAMP)
	$(PY) -m scripts.build_docs

bench: $(STAMP)
	$(PY) -m benchmarks.run

# Reads only the published serving file (ABM_SERVING_PATH), read-only.
DASHBOARD_PORT ?= 8501
dashboard: $(STAMP)
	$(BIN)/streamlit run dashboard/app.py --server.address 127.0.0.1 \
		--server.port $(DASHBOARD_PORT) --server.headless true \
		--browser.gatherUsageStats false

clean:
	rm -rf target logs data .dagster_home benchmarks/work
