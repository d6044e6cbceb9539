// PGENC1 encryption with WebCrypto AES-256-GCM (format: docs/ENCRYPTION.md), for browsers, Web
// Workers, workerd and Node. The bytes are the Rust encryptor's (src/sink/encrypt.rs) for the same
// key, salt, nonce prefix and segment size — tests/js/encrypt.test.mjs re-encrypts the shared
// vectors of tests/vectors/ and compares — but the cipher runs in the host's native AES-GCM
// (AES-NI / ARMv8 crypto), off the JavaScript thread, several segments at a time.
//
// Segments are independent (nonce = prefix ‖ u32_be(segment index) ‖ last flag, the header as
// associated data), so only the order of the plaintext stream matters: whoever sees the stream in
// order (the page's sink worker, an edge handler) feeds it here while other workers generate.

const MAGIC = [0x50, 0x47, 0x45, 0x4e, 0x43, 0x31]; // "PGENC1"
/** Header length in bytes. */
export const HEADER_LEN = 39;
/** GCM tag length in bytes. */
export const TAG_LEN = 16;
/** The Rust core's defaults (src/sink/encrypt.rs). */
export const DEFAULT_ITERATIONS = 600_000;
export const DEFAULT_SEGMENT_SIZE = 65_536;
/** Segments encrypted concurrently (WebCrypto calls in flight) per `push`. */
const IN_FLIGHT = 64;

/** The 39-byte PBKDF2 header: magic, version 1, KDF 1, iterations, salt, nonce prefix, segment size (BE). */
export function pbkdf2Header({ iterations, salt, noncePrefix, segmentSize }) {
  if (salt.length !== 16 || noncePrefix.length !== 7) throw new RangeError("salt must be 16 bytes and the nonce prefix 7");
  if (!(segmentSize >= 1 && segmentSize <= 1 << 24)) throw new RangeError(`segment size must be 1 … 2^24, got ${segmentSize}`);
  const h = new Uint8Array(HEADER_LEN);
  const dv = new DataView(h.buffer);
  h.set(MAGIC, 0);
  h[6] = 1;
  h[7] = 1;
  dv.setUint32(8, iterations);
  h.set(salt, 12);
  h.set(noncePrefix, 28);
  dv.setUint32(35, segmentSize);
  return h;
}

/** PBKDF2-HMAC-SHA256(password, salt, iterations) → 32 raw key bytes (WebCrypto). */
export async function deriveKeyBytes(password, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256));
}

/**
 * A streaming PGENC1 encryptor. `push(bytes)` and `finish()` resolve to the output pieces, in order
 * (the header first). A full segment is sealed only once a byte after it exists (the last segment
 * carries the final flag), exactly as the Rust encryptor does.
 */
export class Encryptor {
  #key;
  #header;
  #prefix;
  #size;
  #pending = new Uint8Array(0);
  #counter = 0;
  #headerOut = false;
  #finished = false;

  /** `key`: 32 raw bytes or an AES-GCM CryptoKey; `header`: the 39 header bytes it belongs to. */
  constructor({ key, header }) {
    if (header.length !== HEADER_LEN) throw new RangeError("the header must be 39 bytes");
    this.#key = key;
    this.#header = Uint8Array.from(header);
    this.#prefix = this.#header.slice(28, 35);
    this.#size = new DataView(this.#header.buffer).getUint32(35);
  }

  /** Encryptor for a password: fresh random salt and nonce prefix, PBKDF2 with `iterations`. */
  static async withPassword(password, { iterations = DEFAULT_ITERATIONS, segmentSize = DEFAULT_SEGMENT_SIZE } = {}) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const noncePrefix = crypto.getRandomValues(new Uint8Array(7));
    const header = pbkdf2Header({ iterations, salt, noncePrefix, segmentSize });
    return new Encryptor({ key: await deriveKeyBytes(password, salt, iterations), header });
  }

  #cryptoKey() {
    if (this.#key instanceof Uint8Array) {
      this.#key = crypto.subtle.importKey("raw", this.#key, { name: "AES-GCM" }, false, ["encrypt"]);
    }
    return this.#key;
  }

  #nonce(j, last) {
    const n = new Uint8Array(12);
    n.set(this.#prefix, 0);
    new DataView(n.buffer).setUint32(7, j);
    n[11] = last ? 1 : 0;
    return n;
  }

  /**
   * Seals `segments` as numbers first, first + 1, …; the numbers are taken now (synchronously),
   * so calls may overlap and still seal every segment with its own counter.
   */
  #seal(segments, lastIndex) {
    const first = this.#counter;
    this.#counter += segments.length;
    if (this.#counter - 1 > 0xffffffff) return Promise.reject(new RangeError("too many segments (at most 2^32)"));
    const keyed = this.#cryptoKey();
    return (async () => {
      const key = await keyed;
      const out = [];
      for (let i = 0; i < segments.length; i += IN_FLIGHT) {
        const batch = segments.slice(i, i + IN_FLIGHT).map((seg, k) => {
          const j = first + i + k;
          return crypto.subtle.encrypt(
            { name: "AES-GCM", iv: this.#nonce(j, j === lastIndex), additionalData: this.#header, tagLength: 128 },
            key,
            seg,
          );
        });
        for (const c of await Promise.all(batch)) out.push(new Uint8Array(c));
      }
      return out;
    })();
  }

  #start(out) {
    if (!this.#headerOut) {
      this.#headerOut = true;
      out.push(this.#header.slice());
    }
  }

  /**
   * Encrypts every full segment known not to be the last; resolves to the output pieces. Calls may
   * overlap (each takes its segment numbers at once); write their results in call order.
   */
  async push(bytes) {
    if (this.#finished) throw new Error("PGENC1: the stream is already finished");
    const out = [];
    this.#start(out);
    const all = new Uint8Array(this.#pending.length + bytes.length);
    all.set(this.#pending, 0);
    all.set(bytes, this.#pending.length);
    const segments = [];
    let from = 0;
    while (all.length - from > this.#size) {
      segments.push(all.subarray(from, from + this.#size));
      from += this.#size;
    }
    this.#pending = all.slice(from);
    if (segments.length) {
      const sealed = this.#seal(segments, -1);
      out.push(...(await sealed));
    }
    return out;
  }

  /** Seals the final segment (0 … segment size bytes); resolves to the output pieces. */
  async finish() {
    if (this.#finished) throw new Error("PGENC1: the stream is already finished");
    const out = [];
    this.#start(out);
    this.#finished = true;
    const sealed = this.#seal([this.#pending], this.#counter);
    this.#pending = new Uint8Array(0);
    out.push(...(await sealed));
    return out;
  }
}
