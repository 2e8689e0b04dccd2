# ISDC Suite: `make run` serves the back office with demo data, `make test` runs every test,
# `make bench` measures the budgets of SPEC §8. Everything happens inside .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy

HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app isdc
DATABASE := instance/isdc.sqlite
# Translations: the .po catalogues are source, the .mo files build output (not in git).
CATALOGUES := $(wildcard isdc/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
POT := isdc/translations/messages.pot

.PHONY: run test bench lint format messages translations clean

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ISDC Suite needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	@touch $@

translations: $(COMPILED)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

run: $(STAMP) translations
	@if [ -z "$$DATABASE_URL" ] && [ ! -f $(DATABASE) ]; then \
		$(FLASK) init-db --demo; \
	else \
		$(FLASK) init-db && $(BIN)/python -c 'from isdc.demo import DEMO_LOGINS; print("Demo logins (username / password), if this database holds the demo:"); [print(f"  {r.value:<11} {u} / {p}") for r, u, p in DEMO_LOGINS]'; \
	fi
	@echo "ISDC Suite back office: http://$(HOST):$(PORT)  (stop with Ctrl+C)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --no-control-socket \
		--access-logfile - 'isdc:create_app()'

test: $(STAMP) translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP) translations
	$(BIN)/python benchmarks/run.py $(BENCH)

# Extract every translatable string and merge it into the catalogues; then translate the new
# entries in isdc/translations/<lang>/LC_MESSAGES/messages.po (see docs/development.md).
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ \
		--no-location --sort-output --project "ISDC Suite" -o $(POT) .
	$(BIN)/pybabel -q update -i $(POT) -d isdc/translations --ignore-obsolete --ignore-pot-creation-date --no-wrap

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache $(COMPILED) $(POT)
