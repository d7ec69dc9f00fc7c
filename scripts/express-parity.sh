#!/usr/bin/env bash
# Runs express's own test suite without and with the bootstrap and prints both results and the tests whose outcome
# differs (issue 19, item 2). Not run by CI: it downloads express and its test dependencies into a scratch folder.
#
#   source scripts/use-node24.sh && npm run build && scripts/express-parity.sh
#
# The lib comes from the npm tarball (`npm pack express@$EXPRESS_VERSION`); the tests and the examples the
# acceptance tests load come from the express repository ($EXPRESS_GIT_DIR, a bare clone or mirror, at
# $EXPRESS_TEST_REF; cloned from GitHub when unset). express is installed under node_modules/ and the tests run from
# inside it, so their require('..') loads a file that require-in-the-middle sees as the package `express`. That
# require names no package, so the lazy loader would miss it: instrumentations load at startup here.
set -euo pipefail

EXPRESS_VERSION="${EXPRESS_VERSION:-5.3.0}"
EXPRESS_TEST_REF="${EXPRESS_TEST_REF:-HEAD}"
WORK="${EXPRESS_PARITY_DIR:-/tmp/express-parity}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REGISTER="$ROOT/packages/otel-bootstrap/dist/register.js"

[ -f "$REGISTER" ] || { echo "build first: $REGISTER is missing" >&2; exit 1; }
mkdir -p "$WORK"
cd "$WORK"

if [ -z "${EXPRESS_GIT_DIR:-}" ]; then
  [ -d express.git ] || git clone --quiet --bare https://github.com/expressjs/express.git express.git
  EXPRESS_GIT_DIR="$WORK/express.git"
fi

# The app folder: express from its npm tarball, the test dependencies from the repository's devDependencies.
if [ ! -f app/node_modules/express/package.json ]; then
  rm -rf app && mkdir app
  (cd app && npm pack --silent "express@$EXPRESS_VERSION" >/dev/null)
  git --git-dir="$EXPRESS_GIT_DIR" show "$EXPRESS_TEST_REF:package.json" >repo-package.json
  dev_deps="$(node -e '
    const d = require(process.argv[1]).devDependencies;
    console.log(Object.entries(d).filter(([n]) => !["eslint", "nyc"].includes(n)).map(([n, v]) => n + "@" + v).join(" "));
  ' "$WORK/repo-package.json")"
  # shellcheck disable=SC2086 # one argument per package
  (cd app && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "./express-$EXPRESS_VERSION.tgz" $dev_deps)
  # The tests and examples at the ref, next to the packed lib.
  git --git-dir="$EXPRESS_GIT_DIR" archive "$EXPRESS_TEST_REF" test examples | tar -x -C app/node_modules/express
fi

run_suite() {
  local out="$1"
  shift
  (cd app/node_modules/express && env "$@" "$WORK/app/node_modules/.bin/mocha" --require test/support/env \
    --reporter json --reporter-option "output=$out" --check-leaks test/ test/acceptance/ >/dev/null 2>&1) || true
  node -e '
    const r = require(process.argv[1]);
    console.log(`${process.argv[2]}: ${r.stats.passes} pass / ${r.stats.failures} fail / ${r.stats.pending} pending`);
  ' "$out" "$(basename "$out" .json)"
}

run_suite "$WORK/without.json"
run_suite "$WORK/with.json" NODE_OPTIONS="--require $REGISTER" OTEL_TRACES_EXPORTER=none \
  OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS=false

# The tests whose outcome differs between the two runs.
node -e '
  const outcome = (file) => {
    const r = require(file);
    const map = new Map(r.passes.map((t) => [t.fullTitle, "pass"]));
    for (const t of r.failures) map.set(t.fullTitle, "fail: " + String(t.err.message).split("\n")[0]);
    return map;
  };
  const without = outcome(process.argv[1]);
  const withBootstrap = outcome(process.argv[2]);
  const titles = new Set([...without.keys(), ...withBootstrap.keys()]);
  const differ = [...titles].filter((t) => without.get(t) !== withBootstrap.get(t));
  console.log(`${differ.length} tests differ`);
  for (const t of differ) console.log(`- ${t}\n    without: ${without.get(t)}\n    with:    ${withBootstrap.get(t)}`);
' "$WORK/without.json" "$WORK/with.json"
