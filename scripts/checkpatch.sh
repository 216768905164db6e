#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs Linux 6.12's scripts/checkpatch.pl the way a kernel maintainer
# would: on whole files for new source files, and on patches (FILE ending
# in .patch) as a patch series is checked before it is sent.
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
		sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'
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

sources=()
patches=()
for file in "${files[@]}"; do
	case "$file" in
	*.patch) patches+=("$file") ;;
	*) sources+=("$file") ;;
	esac
done

status=0
# shellcheck disable=SC2086 # PANICQR_CHECKPATCH_OPTS is a list of options.
if [ "${#sources[@]}" -gt 0 ]; then
	perl "$checkpatch" --no-tree --file --color=never --show-types --summary-file \
		"${strict[@]}" ${PANICQR_CHECKPATCH_OPTS:-} "${sources[@]}" || status=1
fi
# Patch mode. checkpatch switches to file mode for a file that git tracks
# in the current directory's repository, as the series are here: a GIT_DIR
# that does not exist stops that.
# shellcheck disable=SC2086 # PANICQR_CHECKPATCH_OPTS is a list of options.
if [ "${#patches[@]}" -gt 0 ]; then
	GIT_DIR=/nonexistent perl "$checkpatch" --no-tree --color=never --show-types \
		--summary-file "${strict[@]}" ${PANICQR_CHECKPATCH_OPTS:-} "${patches[@]}" || status=1
fi
exit "$status"
