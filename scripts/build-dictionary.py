#!/usr/bin/env python3
"""Builds the preset deflate dictionary of kernel-log vocabulary.

Usage: build-dictionary.py [--part all|even|odd] [--size N] CORPUS_DIR > DICT

Reads the `*.log` files of CORPUS_DIR in name order (`--part even` or `odd`
keeps every other one, to measure on the rest), and writes at most N bytes
(default 4000, within deflate's 4 KiB window) of text that recurs across
the logs. The output depends only on the input files: CI regenerates
core/dict/kmsg-2.bin with

    python3 scripts/build-dictionary.py /work/shared/corpus > core/dict/kmsg-2.bin

and fails if it differs. A shipped dictionary never changes: a new method
or corpus makes the next one (kmsg-3.bin, `d=3`), and decoders keep the old.
core/dict/kmsg-1.bin, the dictionary of `d=1` URLs, came from an earlier
method of this script and is frozen that way.

Method, after the cover algorithm of zstd's dictionary builder: every
6-byte piece of the logs' last 8000 bytes (what a code carries is a log's
end) is worth the number of logs it occurs in, less one, so text that only
one log has is worth nothing. Every 32-byte window of those ends is a
candidate, worth the sum of its distinct pieces. The best candidate is
taken, trimmed of worthless pieces at either end, and its pieces are worth
nothing from then on; then the next best, until N bytes are taken. The
best go last: deflate codes short distances in fewer bits, and the end of
the dictionary is nearest to the data.

The settings were chosen on held-out logs: built from one half of the corpus
(`--part`), measured on the other with `cargo bench --bench payload`.
"""

import argparse
import heapq
import os
import sys

# The length of a piece, the unit of worth.
PIECE = 6
# The length of a candidate window.
WINDOW = 32
# The bytes at the end of each log that count.
TAIL = 8000


def pieces(text):
    return (text[i : i + PIECE] for i in range(len(text) - PIECE + 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("all", "even", "odd"), default="all")
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("corpus")
    args = parser.parse_args()

    names = sorted(n for n in os.listdir(args.corpus) if n.endswith(".log"))
    if args.part == "even":
        names = names[0::2]
    elif args.part == "odd":
        names = names[1::2]
    ends = []
    for name in names:
        with open(os.path.join(args.corpus, name), "rb") as f:
            ends.append(f.read()[-TAIL:])

    logs_with = {}
    for end in ends:
        for piece in set(pieces(end)):
            logs_with[piece] = logs_with.get(piece, 0) + 1
    worth = {piece: logs - 1 for piece, logs in logs_with.items() if logs > 1}

    def value(text):
        return sum(worth.get(piece, 0) for piece in set(pieces(text)))

    def trimmed(text):
        start, end = 0, len(text)
        while start + PIECE <= end and not worth.get(text[start : start + PIECE]):
            start += 1
        while end - PIECE >= start and not worth.get(text[end - PIECE : end]):
            end -= 1
        return text[start:end]

    # Candidates in first-seen order; the heap breaks ties by the bytes, so
    # the output is the same on every machine.
    candidates = dict.fromkeys(
        end[i : i + WINDOW] for end in ends for i in range(len(end) - WINDOW + 1)
    )
    heap = [(-value(c), c) for c in candidates]
    heapq.heapify(heap)

    chosen = []
    total = 0
    while heap and total < args.size:
        _, candidate = heapq.heappop(heap)
        # Worth only falls as pieces are taken: a candidate still at least
        # as good as the next one's old worth is the best.
        current = value(candidate)
        if current <= 0:
            continue
        if heap and current < -heap[0][0]:
            heapq.heappush(heap, (-current, candidate))
            continue
        text = trimmed(candidate)
        if total + len(text) > args.size:
            continue
        chosen.append(text)
        total += len(text)
        for piece in pieces(text):
            worth[piece] = 0

    # Best last.
    sys.stdout.buffer.write(b"".join(reversed(chosen)))


if __name__ == "__main__":
    main()
