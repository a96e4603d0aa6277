#!/usr/bin/env python3
"""Writes the synthetic key traces docs/eviction.md compares policies on.

LIRS text format, gzip'd, for `gogocache simulate`:
  zipfA.trace.gz    1,000,000 requests, Zipf(A) over 100,000 keys (A = 0.8,
                    0.99, 1.2), keys in random order (independent requests)
  shift.trace.gz    Zipf(0.9) over 50,000 keys, a new set of keys every
                    200,000 requests (popularity that moves)
  scanmix.trace.gz  80% Zipf(0.9) over 50,000 keys, 20% keys never seen again
  loopmix.trace.gz  50% Zipf(0.9) over 50,000 keys, 50% a loop over 8,000

Usage: docs/synthetic_traces.py OUT_DIR
"""

import bisect
import gzip
import os
import random
import sys


def zipf_sampler(rng, n, exponent):
    cumulative = []
    total = 0.0
    for rank in range(n):
        total += 1.0 / (rank + 1) ** exponent
        cumulative.append(total)
    return lambda: bisect.bisect_left(cumulative, rng.random() * total)


def write(path, keys):
    with gzip.open(path, "wt") as out:
        for key in keys:
            out.write(f"{key}\n")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(7)
    for exponent in (0.8, 0.99, 1.2):
        n = 100000
        sample = zipf_sampler(rng, n, exponent)
        order = list(range(n))
        rng.shuffle(order)
        write(os.path.join(out_dir, f"zipf{exponent}.trace.gz"),
              (order[sample()] for _ in range(1000000)))

    rng = random.Random(11)
    n = 50000
    sample = zipf_sampler(rng, n, 0.9)

    def shift():
        for phase in range(5):
            order = list(range(phase * n, (phase + 1) * n))
            rng.shuffle(order)
            for _ in range(200000):
                yield order[sample()]

    write(os.path.join(out_dir, "shift.trace.gz"), shift())

    def scanmix():
        order = list(range(n))
        rng.shuffle(order)
        fresh = 10**7
        for _ in range(1000000):
            if rng.random() < 0.2:
                fresh += 1
                yield fresh
            else:
                yield order[sample()]

    write(os.path.join(out_dir, "scanmix.trace.gz"), scanmix())

    def loopmix():
        order = list(range(n))
        rng.shuffle(order)
        position = 0
        for _ in range(1000000):
            if rng.random() < 0.5:
                position = (position + 1) % 8000
                yield 10**7 + position
            else:
                yield order[sample()]

    write(os.path.join(out_dir, "loopmix.trace.gz"), loopmix())


if __name__ == "__main__":
    main()
