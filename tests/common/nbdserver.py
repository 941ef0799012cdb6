#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small NBD server with a volatile write cache, for durability tests.

Usage: nbdserver.py FILE SOCKET

Serves FILE (its size is the export's) on the unix socket SOCKET, to any
export name, fixed-newstyle handshake (NBD_OPT_GO, NBD_OPT_INFO,
NBD_OPT_EXPORT_NAME).  It advertises NBD_FLAG_SEND_FLUSH and
NBD_FLAG_SEND_FUA, so the kernel's nbd device has a volatile write cache,
and has one, like a real server with a cache: a write lands in memory, a
read sees that memory over the file, NBD_CMD_FLUSH writes it all to FILE
and fsyncs it, and a FUA write goes to FILE at once.  Killed with SIGKILL
the server loses what it had not written: a restart that loses volatile
data.  TRIM and WRITE_ZEROES are not advertised and fail with EINVAL.
"""
import os
import socketserver
import struct
import sys
import threading

NBDMAGIC = b"NBDMAGIC"
IHAVEOPT = 0x49484156454F5054
OPT_REPLY_MAGIC = 0x3E889045565A9
REQUEST_MAGIC = 0x25609513
REPLY_MAGIC = 0x67446698

FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES = 1 << 0, 1 << 1
FLAG_C_NO_ZEROES = 1 << 1
OPT_EXPORT_NAME, OPT_ABORT, OPT_INFO, OPT_GO = 1, 2, 6, 7
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP, REP_ERR_INVALID = (1 << 31) + 1, (1 << 31) + 3
INFO_EXPORT = 0
# Transmission flags: HAS_FLAGS, SEND_FLUSH, SEND_FUA.
TFLAGS = (1 << 0) | (1 << 2) | (1 << 3)
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH = 0, 1, 2, 3
CMD_FLAG_FUA = 1 << 0
EIO, EINVAL = 5, 22
SECTOR = 512


class Store:
    """FILE with a write cache of 512-byte sectors in front of it."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR)
        self.size = os.fstat(self.fd).st_size
        self.cache = {}  # sector -> 512 bytes not yet in FILE
        self.lock = threading.Lock()

    def read(self, off, length):
        with self.lock:
            buf = bytearray(os.pread(self.fd, length, off))
            buf.extend(bytes(length - len(buf)))
            for s in range(off // SECTOR, (off + length) // SECTOR):
                if s in self.cache:
                    i = s * SECTOR - off
                    buf[i:i + SECTOR] = self.cache[s]
            return bytes(buf)

    def write(self, off, data, fua):
        with self.lock:
            first = off // SECTOR
            for i in range(len(data) // SECTOR):
                if fua:
                    self.cache.pop(first + i, None)
                else:
                    self.cache[first + i] = data[i * SECTOR:(i + 1) * SECTOR]
            if fua:
                os.pwrite(self.fd, data, off)
                os.fsync(self.fd)

    def flush(self):
        with self.lock:
            for s in sorted(self.cache):
                os.pwrite(self.fd, self.cache[s], s * SECTOR)
            self.cache.clear()
            os.fsync(self.fd)


class Handler(socketserver.StreamRequestHandler):
    def recv(self, n):
        data = self.rfile.read(n)
        if len(data) != n:
            raise EOFError
        return data

    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def opt_reply(self, opt, rep, data=b""):
        self.send(struct.pack(">QIII", OPT_REPLY_MAGIC, opt, rep, len(data)) + data)

    def handshake(self):
        """Negotiate; returns True when transmission starts."""
        store = self.server.store
        self.send(NBDMAGIC + struct.pack(">QH", IHAVEOPT,
                                         FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES))
        (cflags,) = struct.unpack(">I", self.recv(4))
        while True:
            magic, opt, length = struct.unpack(">QII", self.recv(16))
            if magic != IHAVEOPT:
                return False
            self.recv(length)  # the name and info requests: one export
            if opt == OPT_EXPORT_NAME:
                pad = b"" if cflags & FLAG_C_NO_ZEROES else bytes(124)
                self.send(struct.pack(">QH", store.size, TFLAGS) + pad)
                return True
            if opt == OPT_ABORT:
                self.opt_reply(opt, REP_ACK)
                return False
            if opt in (OPT_INFO, OPT_GO):
                self.opt_reply(opt, REP_INFO,
                               struct.pack(">HQH", INFO_EXPORT, store.size, TFLAGS))
                self.opt_reply(opt, REP_ACK)
                if opt == OPT_GO:
                    return True
                continue
            self.opt_reply(opt, REP_ERR_UNSUP)

    def reply(self, handle, err, data=b""):
        self.send(struct.pack(">IIQ", REPLY_MAGIC, err, handle) + data)

    def handle(self):
        store = self.server.store
        try:
            if not self.handshake():
                return
            while True:
                magic, flags, cmd, handle, off, length = \
                    struct.unpack(">IHHQQI", self.recv(28))
                if magic != REQUEST_MAGIC:
                    return
                data = self.recv(length) if cmd == CMD_WRITE else b""
                if cmd == CMD_DISC:
                    return
                inside = off + length <= store.size and \
                    off % SECTOR == 0 and length % SECTOR == 0
                try:
                    if cmd == CMD_READ and inside:
                        self.reply(handle, 0, store.read(off, length))
                    elif cmd == CMD_WRITE and inside:
                        store.write(off, data, flags & CMD_FLAG_FUA)
                        self.reply(handle, 0)
                    elif cmd == CMD_FLUSH:
                        store.flush()
                        self.reply(handle, 0)
                    else:
                        self.reply(handle, EINVAL)
                except OSError as e:
                    print(f"nbdserver: {e}", file=sys.stderr, flush=True)
                    self.reply(handle, EIO)
        except (EOFError, ConnectionError):
            return


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, sock = sys.argv[1:]
    if os.path.exists(sock):
        os.unlink(sock)  # left by a killed server
    with Server(sock, Handler) as srv:
        srv.store = Store(path)
        print(f"nbdserver: serving {path} ({srv.store.size} bytes) on {sock}",
              file=sys.stderr, flush=True)
        srv.serve_forever()


if __name__ == "__main__":
    main()
