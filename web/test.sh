#!/usr/bin/env bash
# Tests the web decoder in real headless Chromium: installs what it needs
# (Debian's chromium, the pinned npm packages), checks that the generated
# dictionary file and the vendored pako are fresh, makes URLs from corpus
# crash logs with our encoder, and checks that the page shows each log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${PANICQR_CORPUS:-$root/../shared/corpus}

if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
node "$here/gen-dict.mjs" --check

fixtures=$(mktemp -d)
trap 'rm -rf "$fixtures"' EXIT
cargo build -q --example panic_url --manifest-path "$root/Cargo.toml"
gen="${CARGO_TARGET_DIR:-$root/target}/debug/examples/panic_url"
i=0
for log in "$corpus"/*.log; do
    case $i in
        0) modes="z z-dict z-dict-1 zl zl-lossy" ;;
        1|2|3) modes="z-dict" ;;
        *) break ;;
    esac
    for mode in $modes; do
        name="$(basename "$log" .log)-$mode"
        "$gen" "$log" "$mode" "$fixtures/$name.txt" > "$fixtures/$name.url"
    done
    i=$((i + 1))
done
node "$here/test.mjs" "$fixtures"
