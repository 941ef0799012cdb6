#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read or change the superblock of a digest-mode metadata device, or of
a reference-mode state ("metadata <meta_dev>", magic DMVSTATE), whose
first 20 bytes are laid out the same (dm-verify-state-meta.c).

  show DEV               print "magic M version V clean C csum ok|bad"
  set DEV FIELD VALUE    set a 32-bit field (flags, version, block_size)
                         and write a valid checksum, as a newer or older
                         tool would; the block is read and written whole
                         with O_DIRECT
  intent DEV             print "intent regions R..." (or "none"): the
                         regions set in a version 2 write-intent bitmap
  downgrade DEV          make a version 2 device what a version 1 module
                         would have written (the same blocks, no intent
                         bitmap, no version 2 fields, no checksums)
  sums DEV               "checksums none", or "checksums B blocks, K bad":
                         the digest and known blocks checked against the
                         CRC-32C the checksum blocks hold for them
  nosums DEV             the superblock as a module without checksums
                         writes it (flag bit 2 and csum_start cleared)
  ranges DEV             reference-mode state: the first sector of the
                         ranges its superblock names
  state-v1 DEV           reference-mode state: make a version 2 one what
                         a version 1 module wrote (its ranges from block
                         1 on, no ranges_block field)

Layout (dm-verify-digest-meta.c): le32 csum, le32 flags, 8-byte magic,
le32 version, le32 block_size, le64 data_sectors, nr_blocks,
digests_start, known_start, meta_blocks, then in version 2 le64
intent_start and le32 region_shift, le64 data_start (flag bit 1) and le64
csum_start (flag bit 2: a block of 1024 le32 CRC-32C per 1024 digest and
known blocks, each of the block's le64 number then its 4 KiB); the
checksum is the CRC-32C of bytes 4-4095 of the first 4 KiB.  The reference-mode state (dm-verify-state-meta.c)
has le64 nr_unverified at 48 and nr_unsynced at 56, and in version 2 le64
ranges_block at 464: the block its ranges start at (version 1: block 1).
"""
import mmap
import os
import struct
import sys

BLOCK = 4096
FIELDS = {"flags": 4, "version": 16, "block_size": 20}


def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def io(dev, data=None, block=0):
    buf = mmap.mmap(-1, BLOCK)
    fd = os.open(dev, (os.O_RDWR if data else os.O_RDONLY) | os.O_DIRECT)
    try:
        if data:
            buf.write(data)
            os.pwritev(fd, [buf], block * BLOCK)
            return None
        os.preadv(fd, [buf], block * BLOCK)
        return bytes(buf)
    finally:
        os.close(fd)


def nosums(blk):
    flags = struct.unpack_from("<I", blk, 4)[0]
    struct.pack_into("<I", blk, 4, flags & ~4)
    blk[84:92] = bytes(8)
    struct.pack_into("<I", blk, 0, crc32c(blk[4:]))


def main():
    cmd, dev = sys.argv[1], sys.argv[2]
    blk = bytearray(io(dev))
    if cmd == "show":
        csum, flags = struct.unpack_from("<II", blk, 0)
        version = struct.unpack_from("<I", blk, 16)[0]
        magic = blk[8:16].decode("ascii", "replace")
        ok = "ok" if csum == crc32c(blk[4:]) else "bad"
        print(f"magic {magic} version {version} clean {flags & 1} csum {ok}")
    elif cmd == "intent":
        start = struct.unpack_from("<Q", blk, 64)[0]
        bits = int.from_bytes(io(dev, block=start), "little")
        regions = [str(i) for i in range(BLOCK * 8) if bits >> i & 1]
        print("intent regions " + (" ".join(regions) or "none"))
    elif cmd == "downgrade":
        start = struct.unpack_from("<Q", blk, 64)[0]
        struct.pack_into("<I", blk, 16, 1)
        struct.pack_into("<Q", blk, 56, start)
        blk[64:76] = bytes(12)
        nosums(blk)
        io(dev, bytes(blk))
    elif cmd == "nosums":
        nosums(blk)
        io(dev, bytes(blk))
    elif cmd == "sums":
        if not struct.unpack_from("<I", blk, 4)[0] & 4:
            print("checksums none")
            return
        first, _, _, intent = struct.unpack_from("<QQQQ", blk, 40)
        csum_start = struct.unpack_from("<Q", blk, 84)[0]
        bad = 0
        for mb in range(first, intent):
            i = mb - first
            sums = io(dev, block=csum_start + i // 1024)
            want = struct.unpack_from("<I", sums, i % 1024 * 4)[0]
            got = crc32c(struct.pack("<Q", mb) + io(dev, block=mb))
            bad += want != got
        print(f"checksums {intent - first} blocks, {bad} bad")
    elif cmd in ("ranges", "state-v1"):
        version = struct.unpack_from("<I", blk, 16)[0]
        first = struct.unpack_from("<Q", blk, 464)[0] if version > 1 else 1
        if cmd == "ranges":
            print(first * BLOCK // 512)
            return
        nr = sum(struct.unpack_from("<QQ", blk, 48))
        for i in range(-(-nr // 256)):
            io(dev, io(dev, block=first + i), block=1 + i)
        struct.pack_into("<I", blk, 16, 1)
        struct.pack_into("<Q", blk, 464, 0)
        struct.pack_into("<I", blk, 0, crc32c(blk[4:]))
        io(dev, bytes(blk))
    elif cmd == "set":
        struct.pack_into("<I", blk, FIELDS[sys.argv[3]], int(sys.argv[4], 0))
        struct.pack_into("<I", blk, 0, crc32c(blk[4:]))
        io(dev, bytes(blk))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
