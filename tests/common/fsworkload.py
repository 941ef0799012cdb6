#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A file workload for crash tests: what fsync promised, checked after.

  fsworkload.py write DIR TAG NSYNC NLAZY MANIFEST
      write NSYNC files TAG-s<i>, each fsync'd (and DIR after it), and NLAZY
      files TAG-l<i>: created and fsync'd with other content, then
      overwritten in place and written back with sync_file_range(), which
      reaches the device without a flush: volatile writes a crash may lose.
      Append "<name> <sha256>" to MANIFEST for each TAG-s file whose fsync
      returned.  An I/O error (the device crashed) ends the run with exit
      status 3: what was promised by then is in MANIFEST.
  fsworkload.py check DIR MANIFEST
      every file in MANIFEST exists with its content; prints the count
  fsworkload.py lost DIR TAG NLAZY
      prints how many TAG-l<i> files lost their in-place overwrite, and how
      many are missing: "<lost> <missing>"
"""
import ctypes
import hashlib
import os
import sys

SIZE = 16384
LIBC = ctypes.CDLL(None, use_errno=True)
# SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER
SFR_WRITE_AND_WAIT = 7


def sync_file_range(fd, size):
    """Write back without a flush (Python's os module has no binding)."""
    LIBC.sync_file_range.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    if LIBC.sync_file_range(fd, 0, size, SFR_WRITE_AND_WAIT):
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def content(name):
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (SIZE // len(seed) + 1))[:SIZE]


def write(d, tag, nsync, nlazy, manifest):
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    with open(manifest, "a") as man:
        try:
            for i in range(max(nsync, nlazy)):
                if i < nsync:
                    name = f"{tag}-s{i}"
                    data = content(name)
                    fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.write(fd, data)
                    os.fsync(fd)
                    os.close(fd)
                    os.fsync(dfd)
                    man.write(f"{name} {hashlib.sha256(data).hexdigest()}\n")
                    man.flush()
                if i < nlazy:
                    name = f"{tag}-l{i}"
                    fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.write(fd, content(name + "-old"))
                    os.fsync(fd)
                    os.pwrite(fd, content(name), 0)
                    sync_file_range(fd, SIZE)
                    os.close(fd)
        except OSError as e:
            print(f"stopped by {e.strerror}", file=sys.stderr)
            os.close(dfd)
            return 3
    os.close(dfd)
    return 0


def check(d, manifest):
    bad = 0
    n = 0
    with open(manifest) as man:
        for line in man:
            name, sha = line.split()
            n += 1
            try:
                with open(os.path.join(d, name), "rb") as f:
                    got = hashlib.sha256(f.read()).hexdigest()
            except OSError as e:
                print(f"{name}: {e.strerror}", file=sys.stderr)
                bad += 1
                continue
            if got != sha:
                print(f"{name}: content differs after the crash", file=sys.stderr)
                bad += 1
    print(n)
    return 1 if bad else 0


def lost(d, tag, nlazy):
    n = 0
    missing = 0
    for i in range(nlazy):
        name = f"{tag}-l{i}"
        try:
            with open(os.path.join(d, name), "rb") as f:
                n += f.read() != content(name)
        except FileNotFoundError:
            missing += 1
    print(n, missing)


def main():
    cmd = sys.argv[1]
    if cmd == "write":
        sys.exit(write(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]))
    elif cmd == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        lost(sys.argv[2], sys.argv[3], int(sys.argv[4]))


if __name__ == "__main__":
    main()
