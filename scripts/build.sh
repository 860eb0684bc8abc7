#!/usr/bin/env bash
# npm run build: compiles the TypeScript to dist/ (tsconfig.build.json: no tests, no bench) and copies the
# files the compiled code reads from disk beside it, at the same relative paths as in the source tree:
#   migrations/clickhouse/*.sql (warehouse/migrate.ts), schema/schema.graphql (api/schema.ts), package.json
#   (system/main.ts reads the version). Assets another step produces (bundled GraphiQL...) are copied here too.
# Usage: bash scripts/build.sh [outDir] [project]   (dist and tsconfig.build.json by default; bench:ocpp with
# BENCH_BUILD=1 builds dist-bench with tsconfig.bench.json, which adds bench/evcms-server.ts)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
project="${2:-tsconfig.build.json}"
node=node_modules/.bin/node
[ -x "$node" ] || node=node
rm -rf "$out"
"$node" node_modules/typescript/bin/tsc -p "$project" --outDir "$out"
mkdir -p "$out/migrations/clickhouse" "$out/schema"
cp migrations/clickhouse/*.sql "$out/migrations/clickhouse/"
cp schema/schema.graphql "$out/schema/"
cp package.json "$out/"
# Asset hook: copy further run-time files here, e.g. bundled GraphiQL assets.
git rev-parse HEAD >"$out/.source-commit" 2>/dev/null || true
echo "evcms: built $out" >&2
