#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Issue single O_DIRECT block I/Os one after another and print each result.

One process for a whole sequence keeps cases fast in a slow guest and the
bio order deterministic.  Ops (sectors are 512-byte units):
  r:SECTOR:COUNT         read
  w:SECTOR:COUNT[:BYTE]  write COUNT sectors filled with BYTE (default: seq)
  R:SECTOR:COUNT:N       N reads of the same range
  W:SECTOR:COUNT:N       N writes of the same range
  d:SECTOR:COUNT[:BYTE]  write with RWF_DSYNC (a FUA write, or write + flush)
  f                      fsync (an empty flush)
Each I/O prints "<op> <sector> <result> <ms>", result "ok" or an errno name.
Exit status 1 when any I/O did not return "ok", after all of them ran: a
caller that expects errors parses the lines (in a pipe, whose status is its
last command's), and `_blkio ... || rc=1` catches an I/O that failed.
"""
import errno
import mmap
import os
import sys
import time


def run(fd, kind, sector, count, fill, seq):
    size = count * 512
    buf = mmap.mmap(-1, max(size, 512))
    if kind in "wd":
        buf.write(bytes([fill if fill is not None else seq & 0xFF]) * size)
    start = time.monotonic()
    try:
        if kind == "f":
            os.fsync(fd)
            n = size
        elif kind == "r":
            n = os.preadv(fd, [buf], sector * 512)
        elif kind == "d":
            n = os.pwritev(fd, [buf], sector * 512, os.RWF_DSYNC)
        else:
            n = os.pwritev(fd, [buf], sector * 512)
        res = "ok" if n == size else "short"
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno))
    ms = (time.monotonic() - start) * 1000
    print(f"{kind} {sector} {res} {ms:.1f}", flush=True)
    buf.close()
    return res == "ok"


def main():
    dev = sys.argv[1]
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    seq = 0
    ok = True
    for op in sys.argv[2:]:
        parts = op.split(":")
        if parts[0] == "f":
            parts = ["f", "0", "0"]
        kind, sector, count = parts[0], int(parts[1]), int(parts[2])
        if kind in "RW":
            for _ in range(int(parts[3])):
                seq += 1
                ok &= run(fd, kind.lower(), sector, count, None, seq)
            continue
        fill = int(parts[3], 0) if len(parts) > 3 else None
        seq += 1
        ok &= run(fd, kind, sector, count, fill, seq)
    os.close(fd)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
