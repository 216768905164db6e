#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs Linux 6.12's scripts/checkpatch.pl on whole files, the way a kernel
# maintainer would check new source files.
#
# Usage: scripts/checkpatch.sh [--strict] FILE...
#
# Fails (exit 1) when checkpatch reports any ERROR or WARNING in any file;
# `--strict` (or env PANICQR_CHECKPATCH_STRICT=1) also fails on its CHECK
# notes. Extra checkpatch options can be given in env
# PANICQR_CHECKPATCH_OPTS, e.g. "--ignore FILE_PATH_CHANGES".
#
# checkpatch comes from the tree that scripts/linux-source.sh extracts into
# the cache (`$PANICQR_CACHE`, by default `~/.cache/panicqr`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

strict=()
if [ "${PANICQR_CHECKPATCH_STRICT:-0}" = 1 ]; then
	strict=(--strict)
fi
files=()
for arg in "$@"; do
	case "$arg" in
	--strict) strict=(--strict) ;;
	-h | --help)
		sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "checkpatch.sh: unknown option: $arg" >&2
		exit 2
		;;
	*) files+=("$arg") ;;
	esac
done
if [ "${#files[@]}" = 0 ]; then
	echo "usage: scripts/checkpatch.sh [--strict] FILE..." >&2
	exit 2
fi

# checkpatch.pl needs perl's Term::ANSIColor and Encode, which perl-base
# lacks.
apt_install perl

tree="$("$here/linux-source.sh")"
checkpatch="$tree/scripts/checkpatch.pl"

# shellcheck disable=SC2086 # PANICQR_CHECKPATCH_OPTS is a list of options.
perl "$checkpatch" --no-tree --file --color=never --show-types --summary-file \
	"${strict[@]}" ${PANICQR_CHECKPATCH_OPTS:-} "${files[@]}"
