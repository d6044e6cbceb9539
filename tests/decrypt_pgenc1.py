#!/usr/bin/env python3
"""Independent PGENC1 decryptor, written from docs/ENCRYPTION.md only.

Usage: decrypt_pgenc1.py IN OUT   (password in the environment variable PATIENTGEN_PASSWORD)

Streams: reads the input in pieces and keeps at most one segment (S + 16 bytes) plus one read
buffered. Exit status 0 on success, 1 on any format or authentication error (message on stderr).
"""

import os
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

HEADER_LEN = 39
TAG_LEN = 16
READ_SIZE = 1 << 16


class Pgenc1Error(Exception):
    pass


def parse_header(header):
    if len(header) < HEADER_LEN:
        raise Pgenc1Error("truncated header")
    if header[0:6] != b"PGENC1":
        raise Pgenc1Error("bad magic")
    if header[6] != 1:
        raise Pgenc1Error("unsupported version %d" % header[6])
    if header[7] != 1:
        raise Pgenc1Error("unsupported KDF id %d" % header[7])
    (iterations,) = struct.unpack(">I", header[8:12])
    salt = header[12:28]
    prefix = header[28:35]
    (seg,) = struct.unpack(">I", header[35:39])
    if iterations < 100_000:
        raise Pgenc1Error("too few iterations: %d" % iterations)
    if not 1 <= seg <= 1 << 24:
        raise Pgenc1Error("bad segment size %d" % seg)
    return iterations, salt, prefix, seg


def decrypt(src, dst, password):
    header = src.read(HEADER_LEN)
    iterations, salt, prefix, seg = parse_header(header)
    key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(
        password.encode("utf-8")
    )
    aead = AESGCM(key)
    piece = seg + TAG_LEN
    buf = b""
    j = 0
    eof = False
    total = 0
    while True:
        # Buffer more than one full piece, or reach the end, before deciding what is final.
        while not eof and len(buf) <= piece:
            data = src.read(READ_SIZE)
            if not data:
                eof = True
            buf += data
        if not eof or len(buf) > piece:
            chunk, buf, last = buf[:piece], buf[piece:], False
        else:
            chunk, buf, last = buf, b"", True
        if len(chunk) < TAG_LEN:
            raise Pgenc1Error("truncated stream")
        if j >= 1 << 32:
            raise Pgenc1Error("too many segments")
        nonce = prefix + struct.pack(">I", j) + (b"\x01" if last else b"\x00")
        try:
            plain = aead.decrypt(nonce, chunk, header)
        except InvalidTag:
            raise Pgenc1Error("authentication failed at segment %d" % j) from None
        dst.write(plain)
        total += len(plain)
        j += 1
        if last:
            return total


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    password = os.environ.get("PATIENTGEN_PASSWORD")
    if password is None:
        print("PATIENTGEN_PASSWORD is not set", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as src, open(argv[2], "wb") as dst:
            n = decrypt(src, dst, password)
    except Pgenc1Error as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    print("decrypted %d bytes" % n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
