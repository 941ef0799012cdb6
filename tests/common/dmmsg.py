#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send a device-mapper target message with one allocation made to fail.

  dmmsg.py NAME NTH MESSAGE...

Arms /proc/thread-self/fail-nth with NTH (the NTH fault-injectable call of
this thread from then on fails: failslab, fail_page_alloc; see
Documentation/fault-injection/fault-injection.rst) and issues the
DM_TARGET_MSG ioctl itself, right after, with no exec, loader or library
between the arming and the kernel's message path: dmsetup's own start-up
would take the failure instead.  NTH 0 sends the message unarmed.

Prints one line, "<injected|missed> rc=<errno or 0> reply=<text>", where
missed means the message ran through fewer than NTH fault-injection points,
so no failure was injected.  Exits 0; errors of the tool itself exit 2.
"""
import errno
import fcntl
import os
import struct
import sys

DM_IOCTL_SIZE = 312                 # sizeof(struct dm_ioctl)
DM_TARGET_MSG_NR = 14
DM_DATA_OUT_FLAG = 1 << 16
DM_BUFFER_FULL_FLAG = 1 << 8
BUF_SIZE = 16384


def iowr(nr, size):
    return (3 << 30) | (size << 16) | (0xFD << 8) | nr


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    name, nth, message = sys.argv[1], int(sys.argv[2]), " ".join(sys.argv[3:])
    payload = struct.pack("=Q", 0) + message.encode() + b"\0"
    buf = bytearray(BUF_SIZE)
    # version 4.0.0, data_size, data_start, then name at offset 48.
    struct.pack_into("=3IIIIiIII", buf, 0, 4, 0, 0, BUF_SIZE, DM_IOCTL_SIZE,
                     0, 0, 0, 0, 0)
    buf[48:48 + len(name)] = name.encode()
    buf[DM_IOCTL_SIZE:DM_IOCTL_SIZE + len(payload)] = payload

    ctl = os.open("/dev/mapper/control", os.O_RDWR)
    nthfd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    rc = 0
    if nth:
        os.write(nthfd, str(nth).encode())
    try:
        fcntl.ioctl(ctl, iowr(DM_TARGET_MSG_NR, DM_IOCTL_SIZE), buf, True)
    except OSError as e:
        rc = e.errno
    left = int(os.pread(nthfd, 32, 0).decode().strip() or "0") if nth else 1
    # Disarm, whatever happened: the rest of this tool must not fail.
    os.write(nthfd, b"0")
    os.close(nthfd)
    os.close(ctl)

    flags, data_start = struct.unpack_from("=I", buf, 28)[0], \
        struct.unpack_from("=I", buf, 16)[0]
    reply = ""
    if not rc and flags & DM_DATA_OUT_FLAG:
        reply = bytes(buf[data_start:]).split(b"\0", 1)[0].decode()
    print(f"{'injected' if nth and not left else 'missed'} "
          f"rc={errno.errorcode.get(rc, rc) if rc else 0} reply={reply}")


if __name__ == "__main__":
    main()
