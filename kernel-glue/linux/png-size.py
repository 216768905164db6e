#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Prints a PNG's size as WIDTHxHEIGHT, from its IHDR chunk.

Usage: kernel-glue/linux/png-size.py FILE.png   (kernel-glue/linux/e2e.sh)
"""
import struct
import sys

d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]))
