# Two commands: `make run` serves the demo, `make test` runs every test. Each installs what it
# needs on a fresh machine, system packages included, and nothing more.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app survey
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
CATALOGS := $(patsubst %.po,%.mo,$(wildcard survey/translations/*/LC_MESSAGES/messages.po))

# Debian packages. The server prints PDF exports in headless Chromium (CJK fonts, or Chinese
# prints as boxes); the tests also drive that browser, start a PostgreSQL server and a Redis of
# their own, put app hosts in network namespaces (ip) and read PDFs back with pdftotext.
RUN_PACKAGES := chromium fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server iproute2 poppler-utils

.PHONY: run test bench fuzz lint format install install-test run-packages test-packages translations clean

run: run-packages install
	$(FLASK) init-db
	@echo "Demo survey: http://127.0.0.1:5000/s/$$($(FLASK) demo)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Checked first, so that a machine without them stops at once with one line. The PostgreSQL
# pass runs in two processes (pytest-xdist), each with a server of its own: its tests wait on
# the server as much as they compute, and the machines have two cores.
test: test-packages lint
	$(PY) -m pytest --db sqlite
	$(PY) -m pytest --db postgresql -m "not browser" -n 2

# Benchmarks against the bare reference app (bench/); takes about 15 minutes.
bench: install-test
	@tools/system-packages --required "the benchmarks" postgresql wrk
	$(PY) bench/run.py

# The fuzz targets of the tests at 100 times their examples (10,000 answer posts, 4,000 imports
# of each format, 4,000 uploads of each kind); their figures are appended to bench/fuzz.log.
fuzz: test-packages install-test
	FUZZ_SCALE=100 FUZZ_LOG=bench/fuzz.log $(PY) -m pytest -p no:cacheprovider tests/fuzz

# Style, types (mypy) and the house plan's import rules (import-linter, see pyproject.toml).
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

run-packages:
	@tools/system-packages --optional "PDF export" $(RUN_PACKAGES)

test-packages:
	@tools/system-packages --required "the tests" $(TEST_PACKAGES)

# What serving needs; the test tools come on top of it.
install: $(RUN_STAMP) $(CATALOGS)
install-test: install $(TEST_STAMP)

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

%.mo: %.po $(RUN_STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

# Refresh the English catalogue after changing interface strings (then translate the new ones).
translations: $(RUN_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l --no-location -o survey/translations/messages.pot .
	$(VENV)/bin/pybabel update --ignore-obsolete -i survey/translations/messages.pot -d survey/translations

clean:
	rm -rf $(VENV) instance/survey.sqlite*
