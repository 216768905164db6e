#!/usr/bin/env bash
# Regenerates include/panicqr.h from ffi/src with the pinned cbindgen.
# With --check, fails when the committed header is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
want=0.29.4
if ! command -v cbindgen >/dev/null || [ "$(cbindgen --version | awk '{print $2}')" != "$want" ]; then
    cargo install cbindgen --version "$want" --locked
fi
out=include/panicqr.h
if [ "${1:-}" = "--check" ]; then
    tmp=$(mktemp)
    cbindgen --quiet --config ffi/cbindgen.toml --crate panicqr-ffi --output "$tmp" ffi
    if ! diff -u "$out" "$tmp"; then
        echo "include/panicqr.h is stale: run scripts/gen-header.sh" >&2
        rm -f "$tmp"
        exit 1
    fi
    rm -f "$tmp"
    echo "include/panicqr.h is fresh"
else
    cbindgen --quiet --config ffi/cbindgen.toml --crate panicqr-ffi --output "$out" ffi
fi
