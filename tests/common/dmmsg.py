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
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dmioctl  # noqa: E402


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    name, nth, message = sys.argv[1], int(sys.argv[2]), " ".join(sys.argv[3:])
    buf = dmioctl.build(name, dmioctl.message(message))

    ctl = dmioctl.control()
    nthfd = os.open("/proc/thread-self/fail-nth", os.O_RDWR) if nth else -1
    if nth:
        os.write(nthfd, str(nth).encode())
    rc = dmioctl.call(ctl, dmioctl.TARGET_MSG, buf)
    left = 1
    if nth:
        left = int(os.pread(nthfd, 32, 0).decode().strip() or "0")
        # Disarm, whatever happened: the rest of this tool must not fail.
        os.write(nthfd, b"0")
        os.close(nthfd)
    os.close(ctl)

    reply = "" if rc else dmioctl.reply(buf)
    print(f"{'injected' if nth and not left else 'missed'} "
          f"rc={errno.errorcode.get(rc, rc) if rc else 0} reply={reply}")


if __name__ == "__main__":
    main()
