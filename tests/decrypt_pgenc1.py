#!/usr/bin/env python3
"""Independent PGENC1 decryptor, written from docs/ENCRYPTION.md only.

Usage: decrypt_pgenc1.py IN OUT   (password in the environment variable PATIENTGEN_PASSWORD)

Enforces the header limits of docs/ENCRYPTION.md (the same as the Rust and JS decryptors;
tests/vectors/ holds the shared cases) before deriving any key. Streams: reads the input in
pieces and keeps at most one segment (S + 16 bytes) plus one read buffered. Writes OUT only
when the whole stream authenticated: plaintext goes to a temporary file beside OUT, renamed
over it at the end and removed on failure.

Exit status 0 on success, 1 on any format or authentication error (the error class and message
on stderr: `error: CLASS: message`), 2 on usage or I/O errors.
"""

import os
import struct
import sys
import tempfile

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

HEADER_LEN = 39
TAG_LEN = 16
READ_SIZE = 1 << 16

# docs/ENCRYPTION.md, "Limits every decryptor enforces".
MIN_ITERATIONS = 100_000
MAX_ITERATIONS = 10_000_000
MAX_SEGMENT = 1 << 24
ARGON2_MEMORY_MIB = (19, 256)
ARGON2_PASSES = (2, 10)
ARGON2_LANES = (1, 8)


class Pgenc1Error(Exception):
    """A format or authentication failure; `code` is its class (as in the JS DecryptError)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def parse_header(header):
    """Checks magic, version, KDF id, KDF cost, segment size, in that order."""
    if len(header) < HEADER_LEN:
        if len(header) >= 6 and header[0:6] != b"PGENC1":
            raise Pgenc1Error("not_pgenc", "not a PGENC1 stream")
        raise Pgenc1Error("truncated", "the encrypted stream is truncated")
    if header[0:6] != b"PGENC1":
        raise Pgenc1Error("not_pgenc", "not a PGENC1 stream")
    if header[6] != 1:
        raise Pgenc1Error("version", "unsupported version %d" % header[6])
    kdf = header[7]
    if kdf == 1:
        (iterations,) = struct.unpack(">I", header[8:12])
        if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise Pgenc1Error("kdf_cost", "PBKDF2 iterations out of range: %d" % iterations)
        cost = ("pbkdf2", iterations)
    elif kdf == 2:
        (memory_mib,) = struct.unpack(">H", header[8:10])
        passes, lanes = header[10], header[11]
        ok = (
            ARGON2_MEMORY_MIB[0] <= memory_mib <= ARGON2_MEMORY_MIB[1]
            and ARGON2_PASSES[0] <= passes <= ARGON2_PASSES[1]
            and ARGON2_LANES[0] <= lanes <= ARGON2_LANES[1]
        )
        if not ok:
            raise Pgenc1Error(
                "kdf_cost", "Argon2id cost out of range: %d MiB, %d passes, %d lanes" % (memory_mib, passes, lanes)
            )
        cost = ("argon2id", memory_mib, passes, lanes)
    else:
        raise Pgenc1Error("kdf", "unsupported KDF id %d" % kdf)
    salt = header[12:28]
    prefix = header[28:35]
    (seg,) = struct.unpack(">I", header[35:39])
    if not 1 <= seg <= MAX_SEGMENT:
        raise Pgenc1Error("segment_size", "bad segment size %d" % seg)
    return cost, salt, prefix, seg


def derive(cost, salt, password):
    secret = password.encode("utf-8")
    if cost[0] == "pbkdf2":
        return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=cost[1]).derive(secret)
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    _, memory_mib, passes, lanes = cost
    return Argon2id(salt=salt, length=32, iterations=passes, lanes=lanes, memory_cost=memory_mib * 1024).derive(
        secret
    )


def decrypt(src, dst, password):
    header = src.read(HEADER_LEN)
    cost, salt, prefix, seg = parse_header(header)
    aead = AESGCM(derive(cost, salt, password))
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
            raise Pgenc1Error("truncated", "the encrypted stream is truncated")
        if j >= 1 << 32:
            raise Pgenc1Error("too_many_segments", "too many segments")
        nonce = prefix + struct.pack(">I", j) + (b"\x01" if last else b"\x00")
        try:
            plain = aead.decrypt(nonce, chunk, header)
        except InvalidTag:
            raise Pgenc1Error("authentication", "authentication failed at segment %d" % j) from None
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
    out = os.path.realpath(argv[2])
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), prefix="." + os.path.basename(out) + ".", suffix=".partial")
    try:
        with open(argv[1], "rb") as src, os.fdopen(fd, "wb") as dst:
            n = decrypt(src, dst, password)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, out)
    except Pgenc1Error as e:
        os.unlink(tmp)
        print("error: %s: %s" % (e.code, e), file=sys.stderr)
        return 1
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        print("error: %s" % e, file=sys.stderr)
        return 2
    print("decrypted %d bytes" % n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
