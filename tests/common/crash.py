#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Overlapping writes before a simulated power cut, and the check after it.

  crash.py write DEV SEED N [SPAN]   N O_DIRECT writes, from SEED, of 1 to
                                     16 sectors inside the first SPAN
                                     sectors (default 64); write k fills
                                     its sectors with byte k + 1
  crash.py check DEV SEED N LOST [SPAN] [BASE]
                                     after a crash that undid whole writes
                                     (prob or all): every sector holds its
                                     latest kept write, or BASE (default
                                     0x01, the durable content); LOST, the
                                     crash's lost count, must fit

The kept set is read off the device: write k was kept iff some sector shows
its byte (newer kept writes may hide it entirely; then its fate is
invisible and either is legal).  Prints "kept K, lost at least L" and exits
1 on the first contradiction.
"""
import mmap
import os
import random
import sys


def plan(seed, n, span):
    rnd = random.Random(seed)
    writes = []
    for _ in range(n):
        count = rnd.randint(1, 16)
        writes.append((rnd.randrange(0, span - count + 1), count))
    return writes


def write(dev, seed, n, span):
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    for k, (sector, count) in enumerate(plan(seed, n, span)):
        buf = mmap.mmap(-1, count * 512)
        buf.write(bytes([k + 1]) * (count * 512))
        os.pwritev(fd, [buf], sector * 512)
        buf.close()
    os.close(fd)


def read_sectors(dev, span):
    fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
    buf = mmap.mmap(-1, span * 512)
    os.preadv(fd, [buf], 0)
    os.close(fd)
    data = bytes(buf)
    out = []
    for s in range(span):
        sec = data[s * 512:(s + 1) * 512]
        if sec != bytes([sec[0]]) * 512:
            sys.exit(f"sector {s} is not one write's content (torn inside a sector)")
        out.append(sec[0])
    return out


def check(dev, seed, n, lost, span, base):
    writes = plan(seed, n, span)
    got = read_sectors(dev, span)
    kept = {b - 1 for b in got if b != base}
    for k in kept:
        if k >= n:
            sys.exit(f"byte {k + 1} written by no write")
    expect = [base] * span
    for k, (sector, count) in enumerate(writes):
        if k in kept:
            for s in range(sector, sector + count):
                expect[s] = k + 1
    for s in range(span):
        if got[s] != expect[s]:
            sys.exit(f"sector {s}: holds {got[s]:#x}, the latest kept write gives {expect[s]:#x}")
    # A write that was not kept, with a sector no newer kept write covers,
    # would show there: it was surely lost.
    surely = 0
    for k, (sector, count) in enumerate(writes):
        if k in kept:
            continue
        for s in range(sector, sector + count):
            if not any(j in kept and w[0] <= s < w[0] + w[1]
                       for j, w in enumerate(writes) if j > k):
                surely += 1
                break
    if not surely <= lost <= n - len(kept):
        sys.exit(f"crash said {lost} lost; the device shows {len(kept)} kept, {surely} surely lost")
    print(f"kept {len(kept)}, lost at least {surely}")


def main():
    cmd, dev, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if cmd == "write":
        write(dev, seed, n, int(sys.argv[5]) if len(sys.argv) > 5 else 64)
    else:
        span = int(sys.argv[6]) if len(sys.argv) > 6 else 64
        base = int(sys.argv[7], 0) if len(sys.argv) > 7 else 1
        check(dev, seed, n, int(sys.argv[5]), span, base)


if __name__ == "__main__":
    main()
