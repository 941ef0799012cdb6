# SPDX-License-Identifier: GPL-2.0
"""Device-mapper ioctls from python, for tests that must time them exactly
(dmsetup's start-up would cost more than the window under test).

build() packs the buffer and call() issues it, apart, so that a caller can
arm fault injection between the two with nothing allocated in between.
Layout: include/uapi/linux/dm-ioctl.h (struct dm_ioctl, 312 bytes, the
name at offset 48; struct dm_target_spec, 40 bytes).
"""
import fcntl
import os
import struct

DM_IOCTL_SIZE = 312
SPEC_SIZE = 40
BUF_SIZE = 16384
DM_DATA_OUT_FLAG = 1 << 16

DEV_CREATE, DEV_REMOVE, DEV_SUSPEND, TABLE_LOAD, TABLE_STATUS, TARGET_MSG = \
    3, 4, 6, 9, 12, 14


def control():
    return os.open("/dev/mapper/control", os.O_RDWR)


def build(name, payload=b"", targets=0):
    """A dm_ioctl buffer for device name, version 4.0.0, payload after it."""
    buf = bytearray(BUF_SIZE)
    struct.pack_into("=3IIIIiIII", buf, 0, 4, 0, 0, BUF_SIZE, DM_IOCTL_SIZE,
                     targets, 0, 0, 0, 0)
    buf[48:48 + len(name)] = name.encode()
    buf[DM_IOCTL_SIZE:DM_IOCTL_SIZE + len(payload)] = payload
    return buf


def call(ctl, nr, buf):
    """Issue ioctl nr with buf (filled in place): errno, or 0."""
    try:
        fcntl.ioctl(ctl, (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xFD << 8) | nr,
                    buf, True)
    except OSError as e:
        return e.errno
    return 0


def dm(ctl, nr, name, payload=b"", targets=0):
    """One ioctl on device name: (errno or 0, the returned buffer)."""
    buf = build(name, payload, targets)
    return call(ctl, nr, buf), buf


def message(msg):
    """The payload of DM_TARGET_MSG for msg, sector 0."""
    return struct.pack("=Q", 0) + msg.encode() + b"\0"


def text(buf, skip=0):
    """The NUL-terminated text @skip bytes past the reply's data_start."""
    start = struct.unpack_from("=I", buf, 16)[0] + skip
    return bytes(buf[start:]).split(b"\0", 1)[0].decode()


def reply(buf):
    """The text a target message or status returned in buf, or ""."""
    if not struct.unpack_from("=I", buf, 28)[0] & DM_DATA_OUT_FLAG:
        return ""
    return text(buf)


def target(type_name, length, params):
    """A one-target table for DM_TABLE_LOAD: spec and parameters."""
    params = params.encode() + b"\0"
    params += b"\0" * (-len(params) % 8)
    return struct.pack("=QQiI16s", 0, length, 0, SPEC_SIZE + len(params),
                       type_name.encode()) + params


def status(ctl, name):
    """The status fields of a one-target device, or None."""
    r, buf = dm(ctl, TABLE_STATUS, name)
    if r:
        return None
    return text(buf, SPEC_SIZE).split()
