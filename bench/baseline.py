#!/usr/bin/env python3
"""Baseline for the benchmark: what people write today. A straightforward Python pass over
plain logs with a few regexes of the kind a regrtest-log script uses (progress lines, warnings,
refleaks, summary results), counting matches. `python3 bench/baseline.py FILE…`"""
import re
import sys

PROGRESS = re.compile(rb"^(\d+:\d\d:\d\d) (?:load avg: [\d.]+ )?\[ *\d+(?:/\d+)*\] (\S+)(?: (.*))?$")
WARNING = re.compile(rb"^Warning -- (\S+) was modified by (\S+)|^Warning -- (.*)$")
REFLEAK = re.compile(rb"^(\S+) leaked \[([-\d, ]+)\] (references|memory blocks|file descriptors), sum=(-?\d+)")
RESULT = re.compile(rb"^(?:== )?(?:Tests )?[Rr]esult: (.*?)(?: ==)?$")

counts = {"progress": 0, "warning": 0, "refleak": 0, "result": 0}
size = 0
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        for line in fh:
            size += len(line)
            line = line.rstrip(b"\r\n")
            if PROGRESS.match(line):
                counts["progress"] += 1
            elif WARNING.match(line):
                counts["warning"] += 1
            elif REFLEAK.match(line):
                counts["refleak"] += 1
            elif RESULT.match(line):
                counts["result"] += 1
print(size, counts)
