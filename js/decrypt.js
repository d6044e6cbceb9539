// Streaming PGENC1 decryption (format and limits: docs/ENCRYPTION.md).
//
// The header is checked against the same limits as the Rust decryptor (src/sink/encrypt.rs) and
// the Python one (tests/decrypt_pgenc1.py) before any key is derived; tests/vectors/ holds the
// shared valid and hostile files all three are run on. Memory is bounded: at most one segment
// (≤ 16 MiB + 16) plus the chunk being pushed is buffered. The key derivation can be cancelled
// with an AbortSignal (PBKDF2 runs in WebCrypto off the main thread; Argon2id in the wasm core,
// bounded by its cost limits).

const MAGIC = [0x50, 0x47, 0x45, 0x4e, 0x43, 0x31]; // "PGENC1"
const HEADER = 39;
const TAG = 16;

/** The header limits every PGENC1 decryptor of this project enforces. */
export const LIMITS = Object.freeze({
  minIterations: 100_000,
  maxIterations: 10_000_000,
  minSegmentSize: 1,
  maxSegmentSize: 1 << 24,
  argon2: Object.freeze({ minMemoryMib: 19, maxMemoryMib: 256, minPasses: 2, maxPasses: 10, minLanes: 1, maxLanes: 8 }),
});

/**
 * A PGENC1 format or authentication failure. `code` is one of `not_pgenc`, `version`, `kdf`,
 * `kdf_cost`, `segment_size`, `truncated`, `authentication`, `too_many_segments`.
 */
export class DecryptError extends Error {
  constructor(code, message) {
    super(`PGENC1: ${message}`);
    this.name = "DecryptError";
    this.code = code;
  }
}

/** Parses and checks a 39-byte header (magic, version, KDF id, KDF cost, segment size). */
export function parseHeader(h) {
  if (h.length < HEADER) throw new DecryptError("truncated", "the encrypted stream is truncated");
  if (!MAGIC.every((m, i) => h[i] === m)) throw new DecryptError("not_pgenc", "not a PGENC1 stream");
  if (h[6] !== 1) throw new DecryptError("version", `unsupported PGENC1 version ${h[6]}`);
  const dv = new DataView(h.buffer, h.byteOffset, HEADER);
  const header = { kdf: h[7], salt: h.slice(12, 28), prefix: h.slice(28, 35), segmentSize: dv.getUint32(35) };
  if (h[7] === 1) {
    header.iterations = dv.getUint32(8);
    if (header.iterations < LIMITS.minIterations || header.iterations > LIMITS.maxIterations) {
      throw new DecryptError(
        "kdf_cost",
        `PBKDF2 iterations must be between ${LIMITS.minIterations} and ${LIMITS.maxIterations}, got ${header.iterations}`,
      );
    }
  } else if (h[7] === 2) {
    const a = LIMITS.argon2;
    header.argon2 = { memoryMib: dv.getUint16(8), passes: h[10], lanes: h[11] };
    const { memoryMib, passes, lanes } = header.argon2;
    if (memoryMib < a.minMemoryMib || memoryMib > a.maxMemoryMib || passes < a.minPasses || passes > a.maxPasses || lanes < a.minLanes || lanes > a.maxLanes) {
      throw new DecryptError("kdf_cost", `Argon2id cost out of range: ${memoryMib} MiB, ${passes} passes, ${lanes} lanes`);
    }
  } else {
    throw new DecryptError("kdf", `unsupported key derivation function id ${h[7]}`);
  }
  if (header.segmentSize < LIMITS.minSegmentSize || header.segmentSize > LIMITS.maxSegmentSize) {
    throw new DecryptError("segment_size", `segment size must be between 1 and ${LIMITS.maxSegmentSize}, got ${header.segmentSize}`);
  }
  return header;
}

function abortError(signal) {
  const r = signal.reason;
  if (r instanceof Error && r.name === "AbortError") return r;
  return new DOMException(r === undefined ? "The operation was aborted" : String(r), "AbortError");
}

/** `promise`, or a rejection with an AbortError as soon as `signal` aborts. */
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  let onAbort;
  const aborted = new Promise((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

/** A FIFO of byte chunks that hands out exact lengths without re-copying what stays. */
class ByteQueue {
  #parts = [];
  length = 0;
  push(chunk) {
    if (chunk.length) {
      this.#parts.push(chunk);
      this.length += chunk.length;
    }
  }
  /** Removes and returns the first `n` bytes (n ≤ length). */
  take(n) {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const p = this.#parts[0];
      const k = Math.min(p.length, n - off);
      out.set(p.subarray(0, k), off);
      off += k;
      if (k === p.length) this.#parts.shift();
      else this.#parts[0] = p.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

/**
 * Makes `decryptStream` over a wasm module that exports `argon2idKey(password, salt, memoryMib,
 * passes, lanes)` (for KDF id 2); without it, Argon2id files are refused with code `kdf`.
 */
export function makeDecryptStream({ argon2idKey } = {}) {
  async function deriveKey(password, h, signal) {
    if (h.kdf === 2) {
      if (typeof argon2idKey !== "function") throw new DecryptError("kdf", "Argon2id needs the wasm module");
      if (signal?.aborted) throw abortError(signal);
      // Synchronous in the wasm core, bounded by LIMITS.argon2; the signal is checked around it.
      const raw = argon2idKey(password, h.salt, h.argon2.memoryMib, h.argon2.passes, h.argon2.lanes);
      if (signal?.aborted) throw abortError(signal);
      return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
    }
    const derive = (async () => {
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: h.salt, iterations: h.iterations },
        base,
        { name: "AES-GCM", length: 256 },
        false,
        ["decrypt"],
      );
    })();
    derive.catch(() => {});
    return abortable(derive, signal);
  }

  /**
   * A TransformStream<Uint8Array, Uint8Array> that decrypts a PGENC1 stream with `password`.
   * Errors the stream with a DecryptError on a bad header, wrong password, tampering, truncation
   * or reordering, and with an AbortError when `signal` aborts (the key derivation included).
   */
  return function decryptStream(password, { signal } = {}) {
    const queue = new ByteQueue();
    let headerBytes = null;
    let header = null;
    let key = null;
    let counter = 0;
    const nonce = (j, last) => {
      const n = new Uint8Array(12);
      n.set(header.prefix, 0);
      new DataView(n.buffer).setUint32(7, j);
      n[11] = last ? 1 : 0;
      return n;
    };
    async function open(seg, last) {
      if (counter > 0xffffffff) throw new DecryptError("too_many_segments", "too many segments (at most 2^32)");
      let pt;
      try {
        pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce(counter, last), additionalData: headerBytes, tagLength: 128 }, key, seg);
      } catch {
        throw new DecryptError(
          "authentication",
          `authentication failed at segment ${counter}: wrong password, or the data was modified, truncated or reordered`,
        );
      }
      counter++;
      return new Uint8Array(pt);
    }
    async function readHeader() {
      headerBytes = queue.take(HEADER);
      header = parseHeader(headerBytes);
      key = await deriveKey(password, header, signal);
    }
    const checkAbort = () => {
      if (signal?.aborted) throw abortError(signal);
    };
    return new TransformStream({
      async transform(chunk, controller) {
        checkAbort();
        queue.push(chunk);
        if (!header) {
          if (queue.length < HEADER) {
            // The magic is known after 6 bytes: refuse other data early.
            return;
          }
          await readHeader();
        }
        const piece = header.segmentSize + TAG;
        // A full segment is not the last one only if more bytes follow it.
        while (queue.length > piece) {
          checkAbort();
          controller.enqueue(await open(queue.take(piece), false));
        }
      },
      async flush(controller) {
        checkAbort();
        if (!header) {
          if (queue.length < HEADER) {
            const head = queue.take(queue.length);
            if (head.length >= 6 && !MAGIC.every((m, i) => head[i] === m)) throw new DecryptError("not_pgenc", "not a PGENC1 stream");
            throw new DecryptError("truncated", "the encrypted stream is truncated");
          }
          await readHeader();
        }
        if (queue.length < TAG) throw new DecryptError("truncated", "the encrypted stream is truncated");
        const pt = await open(queue.take(queue.length), true);
        if (pt.length > 0) controller.enqueue(pt);
      },
    });
  };
}

/** `decryptStream` without Argon2id support (no wasm needed); the entries export the full one. */
export const decryptStream = makeDecryptStream();
