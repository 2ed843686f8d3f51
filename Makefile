# The two commands: `make run` starts the platform on this machine, `make test` runs every check.
# Both work on a fresh Debian/Ubuntu machine with Python 3.11: they create .venv and install what
# is missing (RabbitMQ, PostgreSQL) with apt-get. `make help` lists the rest.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

AMQP_URI ?= pyamqp://guest:guest@127.0.0.1:5672//
TEST_DB ?= khuyenhoc_test
# The import benchmark's file: 100,000 rows by default (a few minutes); the Hanoi size is 1746236.
BENCH_IMPORT_ROWS ?= 100000
TEST_POSTGRES_URL ?= postgresql+psycopg2://postgres@127.0.0.1:5432/$(TEST_DB)
export AMQP_URI TEST_POSTGRES_URL

PYTEST_ARGS ?=
RUN_ARGS ?=
BENCH_ARGS ?=

LOAD_ARGS ?=

.PHONY: help venv run test lint bench loadtest clean distclean

help:
	@echo "make run     start RabbitMQ if needed, then every service and the gateway (Ctrl-C stops them)"
	@echo "             RUN_ARGS='--no-demo' skips the demo data, RUN_ARGS='--reset' deletes var/data first"
	@echo "make test    lint, then the test suite against RabbitMQ and a fresh PostgreSQL database"
	@echo "             PYTEST_ARGS='-k transfer -x' passes arguments to pytest"
	@echo "make lint    ruff check"
	@echo "make bench   the benchmarks (tests/bench/run.py, then import_bench.py; BENCH_ARGS, BENCH_IMPORT_ROWS)"
	@echo "make loadtest the whole fault matrix (tests/faults, FAULTS_FULL=1), then the load test (LOAD_ARGS='--seconds 30')"
	@echo "make venv    create .venv and install the project (done by the others when needed)"
	@echo "make clean   delete var/ (local databases and logs); make distclean also deletes .venv"
	@echo
	@echo "AMQP_URI=$(AMQP_URI)"
	@echo "TEST_POSTGRES_URL=$(TEST_POSTGRES_URL)"

venv: $(STAMP)

# Reinstalled only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@PYTHON="$(PYTHON)" VENV="$(CURDIR)/$(VENV)" deploy/local/ensure-venv.sh

run: venv
	@deploy/local/ensure-rabbitmq.sh
	@exec "$(VENV_PY)" deploy/local/run.py $(RUN_ARGS)

# Lint and tests both run even when the first fails, so one run shows every problem.
# pytest's exit code 5 (no test collected) is reported but not a failure while the suite is young.
test: venv
	@deploy/local/ensure-rabbitmq.sh
	@PYTHON="$(VENV_PY)" deploy/local/ensure-postgres.sh --recreate "$(TEST_POSTGRES_URL)"
	@PYTHON="$(VENV_PY)" deploy/local/ensure-tools.sh
	@deploy/local/ensure-browser.sh
	@lint=0; tests=0; \
	echo "== ruff check ."; "$(VENV)/bin/ruff" check . || lint=$$?; \
	if [ -n "$(PYTEST_ARGS)" ]; then \
		echo "== pytest $(PYTEST_ARGS)"; "$(VENV)/bin/pytest" $(PYTEST_ARGS) || tests=$$?; \
	else \
		echo "== pytest, two shards side by side: [units] services gateway, [system] tests"; \
		deploy/local/run-shards.sh "$(VENV)/bin/pytest" || tests=$$?; \
	fi; \
	if [ "$$tests" -eq 5 ]; then echo "make test: WARNING: pytest collected no tests"; tests=0; fi; \
	if [ "$$lint" -ne 0 ]; then echo "make test: FAILED: ruff check (exit $$lint)"; fi; \
	if [ "$$tests" -ne 0 ]; then echo "make test: FAILED: pytest (exit $$tests)"; fi; \
	[ "$$lint" -eq 0 ] && [ "$$tests" -eq 0 ]

lint: venv
	@"$(VENV)/bin/ruff" check .

bench: venv
	@deploy/local/ensure-rabbitmq.sh
	@PYTHON="$(VENV_PY)" deploy/local/ensure-postgres.sh
	"$(VENV_PY)" tests/bench/run.py $(BENCH_ARGS)
	"$(VENV_PY)" tests/bench/import_bench.py --rows $(BENCH_IMPORT_ROWS) $(BENCH_IMPORT_ARGS)

loadtest: venv
	@deploy/local/ensure-rabbitmq.sh
	@PYTHON="$(VENV_PY)" deploy/local/ensure-postgres.sh "$(TEST_POSTGRES_URL)"
	FAULTS_FULL=1 "$(VENV)/bin/pytest" tests/faults
	"$(VENV_PY)" tests/load/campaign.py $(LOAD_ARGS)

clean:
	rm -rf var

distclean: clean
	rm -rf "$(VENV)"
