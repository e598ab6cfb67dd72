# Two commands, each self-sufficient on a fresh machine (see README.md).
.PHONY: run test setup lint bench pot clean-db

run:            ## Odoo on http://localhost:8069 (admin/admin) + the Xero sandbox, until Ctrl-C
	bash scripts/run.sh

test:           ## set-up, then every test (Odoo's runner on the module + the pytest suites)
	bash scripts/test.sh

setup:          ## only the set-up both commands do first
	bash scripts/setup.sh

lint:           ## ruff and the OCA pre-commit hooks
	.venv/bin/pre-commit run --all-files

bench:          ## benchmarks that print figures (never pass/fail on time)
	bash scripts/bench.sh

pot:            ## xero_connector/i18n/xero_connector.pot from the module's terms (commit it)
	bash scripts/make_pot.sh

clean-db:       ## drop the demo and test databases (the template is kept)
	bash -c 'source scripts/env.sh; ROOT=$$PWD; dropdb --if-exists xero_demo; dropdb --if-exists xero_demo_base; dropdb --if-exists xero_test'
