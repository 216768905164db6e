#!/usr/bin/env bash
# Tests the web decoders in real headless Chromium: installs what it needs
# (Debian's chromium, the pinned npm packages), checks that the generated
# dictionary files and the vendored pako are fresh, makes URLs from corpus
# crash logs with our encoder, and checks that our page (web/index.html)
# shows each log, and that a model of the page distributions deploy
# (web/compat/) shows the log of every code the renderer draws by default,
# in the query and the fragment form, and no log for a dictionary code.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/scripts/lib.sh"
corpus=${PANICQR_CORPUS:-$root/../shared/corpus}

apt_install --recommends chromium
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
node "$here/gen-dict.mjs" --check

fixtures=$(mktemp -d)
trap 'rm -rf "$fixtures"' EXIT
cargo build -q -p panicqr-tools --example panic_url --manifest-path "$root/Cargo.toml"
gen="$CARGO_TARGET_DIR/debug/examples/panic_url"
i=0
defaults=0
for log in "$corpus"/*.log; do
    # Every log as the renderer draws it by default, in both URL forms, and
    # with the dictionary allowed.
    modes="render render-fragment render-dict render-dict-fragment"
    defaults=$((defaults + 2))
    case $i in
        0) modes+=" z z-fragment z-dict z-dict-fragment z-dict-d2 z-dict-1 zl zl-lossy" ;;
        1|2|3) modes+=" z-dict" ;;
    esac
    for mode in $modes; do
        name="$(basename "$log" .log)-$mode"
        "$gen" "$log" "$mode" "$fixtures/$name.txt" > "$fixtures/$name.url"
    done
    i=$((i + 1))
done
node "$here/test.mjs" "$fixtures" "$defaults"
