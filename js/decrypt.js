// Streaming PGENC1 decryption with WebCrypto (format: docs/ENCRYPTION.md).
const MAGIC = [0x50, 0x47, 0x45, 0x4e, 0x43, 0x31]; // "PGENC1"
const HEADER = 39;
const TAG = 16;

/**
 * A TransformStream<Uint8Array, Uint8Array> that decrypts a PGENC1 stream with `password`.
 * Fails (errors the stream) on a wrong password, tampering, truncation or reordering.
 */
export function decryptStream(password) {
  let buf = new Uint8Array(0);
  let header = null;
  let key = null;
  let segSize = 0;
  let counter = 0;
  const append = (chunk) => {
    const b = new Uint8Array(buf.length + chunk.length);
    b.set(buf);
    b.set(chunk, buf.length);
    buf = b;
  };
  const nonce = (prefix, j, last) => {
    const n = new Uint8Array(12);
    n.set(prefix, 0);
    new DataView(n.buffer).setUint32(7, j);
    n[11] = last ? 1 : 0;
    return n;
  };
  async function open(seg, last) {
    if (counter > 0xffffffff) throw new Error("PGENC1: too many segments");
    try {
      const pt = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: nonce(header.subarray(28, 35), counter, last), additionalData: header, tagLength: 128 },
        key,
        seg,
      );
      counter++;
      return new Uint8Array(pt);
    } catch {
      throw new Error("PGENC1: authentication failed (wrong password, or the data was modified or truncated)");
    }
  }
  async function readHeader(controller) {
    header = buf.slice(0, HEADER);
    buf = buf.slice(HEADER);
    if (!MAGIC.every((m, i) => header[i] === m) || header[6] !== 1) {
      controller.error(new Error("PGENC1: not a PGENC1 stream"));
      return false;
    }
    if (header[7] !== 1) throw new Error(`PGENC1: unsupported KDF ${header[7]}`);
    const dv = new DataView(header.buffer, header.byteOffset, HEADER);
    const iterations = dv.getUint32(8);
    segSize = dv.getUint32(35);
    const salt = header.slice(12, 28);
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
    key = await crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations },
      base,
      { name: "AES-GCM", length: 256 },
      false,
      ["decrypt"],
    );
    return true;
  }
  return new TransformStream({
    async transform(chunk, controller) {
      append(chunk);
      if (!header) {
        if (buf.length < HEADER) return;
        if (!(await readHeader(controller))) return;
      }
      // Keep at least one full segment back: the last one is only known at the end.
      while (buf.length > segSize + TAG) {
        const seg = buf.slice(0, segSize + TAG);
        buf = buf.slice(segSize + TAG);
        controller.enqueue(await open(seg, false));
      }
    },
    async flush(controller) {
      if (!header) {
        if (buf.length < HEADER) throw new Error("PGENC1: truncated header");
        if (!(await readHeader(controller))) return;
      }
      if (buf.length < TAG) throw new Error("PGENC1: truncated stream");
      const pt = await open(buf, true);
      if (pt.length > 0) controller.enqueue(pt);
    },
  });
}
