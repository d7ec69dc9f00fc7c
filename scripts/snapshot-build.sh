#!/usr/bin/env bash
# Copies the current build of packages/otel-bootstrap to .cache/snapshots/NAME (next to a link to node_modules), so a
# later change can be benchmarked side by side with it: BENCH_BEFORE=$(scripts/snapshot-build.sh NAME) npm run bench ...
# Prints the snapshot's register.js.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name=${1:?usage: snapshot-build.sh NAME}
dir="$root/.cache/snapshots/$name"
rm -rf "$dir" && mkdir -p "$dir/packages/otel-bootstrap"
cp -r "$root/packages/otel-bootstrap/dist" "$root/packages/otel-bootstrap/package.json" "$dir/packages/otel-bootstrap/"
ln -s "$root/node_modules" "$dir/node_modules"
echo "$dir/packages/otel-bootstrap/dist/register.js"
