#!/usr/bin/env python3
"""Builds the preset deflate dictionary of kernel-log vocabulary.

Usage: build-dictionary.py [--part all|even|odd] [--size N] CORPUS_DIR > DICT

Reads the `*.log` files of CORPUS_DIR in name order (`--part even` or `odd`
keeps every other one, to measure on the rest), and writes at most N bytes
(default 4000, within deflate's 4 KiB window) of the strings that occur in
the most logs. The output depends
only on the input files: CI regenerates core/dict/kmsg-1.bin with

    python3 scripts/build-dictionary.py /work/shared/corpus > core/dict/kmsg-1.bin

and fails if it differs.

Method: every substring of a few lengths that starts a word is a candidate.
Its score is the bytes it would save, (logs it occurs in - 1) x (length - 2):
a match costs about two bytes however long it is. Candidates are taken
greedily, best first, skipping those already inside the dictionary and those
whose 6-byte pieces are two thirds there already. The best strings go last:
deflate codes short distances in fewer bits, and the end of the dictionary is
nearest to the data.

The settings were chosen on held-out logs: built from one half of the corpus
(`--part`), measured on the other with `cargo bench --bench payload`.
"""

import argparse
import os
import sys

LENGTHS = (6, 7, 8, 9, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64)
GRAM = 6
# Bytes a match costs, whatever its length.
MATCH_COST = 2


def word_starts(text):
    prev = b" "[0]
    for i, c in enumerate(text):
        if not (chr(prev).isalnum() or prev == ord("_")) or i == 0:
            yield i
        prev = c


def candidates(text):
    found = set()
    for i in word_starts(text):
        for n in LENGTHS:
            s = text[i : i + n]
            if len(s) == n:
                found.add(s)
    return found


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

    df = {}
    for name in names:
        with open(os.path.join(args.corpus, name), "rb") as f:
            text = f.read()
        for s in candidates(text):
            df[s] = df.get(s, 0) + 1

    # Strings in at least two logs, by bytes saved, then by the bytes
    # themselves so that ties are broken the same way on every machine.
    scored = sorted(
        ((count - 1) * (len(s) - MATCH_COST), s)
        for s, count in df.items()
        if count >= 2
    )
    scored.sort(key=lambda item: (-item[0], item[1]))

    chosen = []
    total = 0
    grams = set()
    for score, s in scored:
        if total + len(s) > args.size:
            continue
        if any(s in c for c in chosen):
            continue
        # Skip strings mostly made of text already chosen.
        own = [s[i : i + GRAM] for i in range(len(s) - GRAM + 1)]
        if sum(g in grams for g in own) * 3 >= len(own) * 2:
            continue
        grams.update(own)
        # A longer string that contains chosen ones replaces them.
        inner = [c for c in chosen if c in s]
        for c in inner:
            chosen.remove(c)
            total -= len(c)
        chosen.append(s)
        total += len(s)

    # Best last.
    sys.stdout.buffer.write(b"".join(reversed(chosen)))


if __name__ == "__main__":
    main()
