# Two commands: `make run` serves the demo, `make test` runs every test.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app survey
STAMP := $(VENV)/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard survey/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench lint format install translations clean

run: install
	$(FLASK) init-db
	@echo "Demo survey: http://127.0.0.1:5000/s/$$($(FLASK) demo)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest --db sqlite
	$(PY) -m pytest --db postgresql -m "not browser"

# Benchmarks against the bare reference app (bench/); takes about 15 minutes, needs wrk.
bench: install
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(PY) bench/run.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

install: $(STAMP) $(CATALOGS)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

# Refresh the English catalogue after changing interface strings (then translate the new ones).
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l --no-location -o survey/translations/messages.pot .
	$(VENV)/bin/pybabel update -i survey/translations/messages.pot -d survey/translations

clean:
	rm -rf $(VENV) instance/survey.sqlite*
