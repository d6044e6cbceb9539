// Web Worker of the patientgen page (a module worker). One script, three roles chosen by the first
// message:
//
// * "shard": generates the blocks (index ranges) the sink hands it, and posts each chunk's bytes
//   (ArrayBuffer transfer) to the sink over its MessagePort. It holds at most `credits` chunks not yet
//   written by the sink, so memory stays bounded however far ahead of the merge point it is.
// * "sink": hands out blocks in index order, writes the chunks in that order (File System Access
//   handle, OPFS file or in-memory Blob) and reports progress to the page at ~10 Hz.
// * "preview": generates the first patients of a scenario as ndjson and returns them parsed.
//
// Blocks are consecutive index ranges [a, b) (DOMAIN.md §1.1 rule 4) on the 1,000-patient grid: the
// concatenation of their outputs, uncompressed or gzip (one member per 1,000 patients,
// docs/OUTPUT.md), is byte-identical to one run. zip output is one block covering the whole run.
// Encryption runs in the sink over the ordered stream (WebCrypto AES-GCM, js/encrypt.js), while the
// shard workers generate.
import init, { Generator, mergeCalibrations } from "../js/browser.js";
import { Encryptor } from "../js/encrypt.js";

// patientgen::job::BLOCK_PATIENTS: block boundaries must lie on this grid for gzip shards to concatenate.
const GRID = 1000;

const now = () => performance.now();
// Progress reports to the page: 5 Hz (the page redraws on each; fewer frames, less main-thread work).
const REPORT_MS = 200;

/** Yields a macrotask so that messages (credits, cancel) are delivered between chunks. */
const yieldTask = (() => {
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
})();

function describe(e) {
  if (e && e.name === "ConfigError" && Array.isArray(e.errors)) {
    return { name: e.name, message: e.message, errors: e.errors };
  }
  return { name: e?.name ?? "Error", message: String(e?.message ?? e) };
}

// ---------------------------------------------------------------------------------------------
// Shard role

function shardRole(first) {
  const { port, config, options, credits: maxCredits } = first;
  let credits = maxCredits;
  let wake = null;
  let stopped = false;
  const blocks = [];

  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitWake = () => new Promise((resolve) => (wake = resolve));

  port.onmessage = ({ data }) => {
    if (data.type === "credit") {
      credits += data.n;
    } else if (data.type === "block") {
      blocks.push(data);
    } else if (data.type === "stop") {
      stopped = true;
    }
    poke();
  };
  self.onmessage = ({ data }) => {
    if (data.type === "cancel") {
      stopped = true;
      poke();
    }
  };

  // Calibration counts of this worker's finished blocks, merged (docs/REPORT.md); the live figures
  // are these plus the running block's, sent at most every CALIBRATION_MS.
  let calibrationDone = null;
  let lastCalibration = 0;
  const CALIBRATION_MS = 250;
  const calibrationOf = (gen) => {
    const now = gen.calibrationCounts();
    return calibrationDone ? mergeCalibrations([calibrationDone, now]) : now;
  };

  async function runBlock(block) {
    const opts = { ...options, calibration: true };
    if (!block.whole) opts.range = [block.start, block.end];
    const gen = new Generator(config, opts);
    try {
      return await pump(gen, block);
    } finally {
      // One generator per block: release its wasm memory now, or the worker's memory would grow
      // with every block until garbage collection runs.
      gen.free?.();
    }
  }

  async function pump(gen, block) {
    for await (const chunk of gen) {
      // What this chunk held, as the core reports it.
      const c = gen.lastChunk;
      const delta = {
        n: c.patients,
        perDay: c.perDay,
        triage: [c.triage.T1, c.triage.T2, c.triage.T3],
        outcomes: [c.outcomes.KIA, c.outcomes.DOW, c.outcomes.NBD, c.outcomes.RTD, c.outcomes.Remains_Role4],
      };
      const buf =
        chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk.buffer : chunk.slice().buffer;
      credits--;
      let calibration;
      if (performance.now() - lastCalibration >= CALIBRATION_MS) {
        lastCalibration = performance.now();
        calibration = calibrationOf(gen);
      }
      port.postMessage({ type: "chunk", seq: block.seq, data: buf, delta, calibration }, [buf]);
      while (!stopped && credits <= 0) await waitWake();
      if (stopped) return false;
    }
    calibrationDone = calibrationOf(gen);
    port.postMessage({ type: "end", seq: block.seq, calibration: calibrationDone });
    return true;
  }

  (async () => {
    try {
      await init(first.module);
      port.postMessage({ type: "ready" });
      for (;;) {
        while (!stopped && blocks.length === 0) await waitWake();
        if (stopped) break;
        if (!(await runBlock(blocks.shift()))) break;
        await yieldTask();
      }
      port.postMessage({ type: "stopped" });
    } catch (e) {
      port.postMessage({ type: "error", error: describe(e) });
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// Sink role

/**
 * An error of the output (browser storage, the chosen file, memory): the run stops and the page says
 * how much was written. `cause` is what the browser threw, if anything.
 */
function storageError(message, cause) {
  const e = new Error(cause ? `${message}: ${cause.name ?? "Error"}: ${cause.message ?? cause}` : message);
  e.name = cause?.name === "QuotaExceededError" ? "QuotaExceededError" : "StorageError";
  e.storage = true;
  return e;
}

/**
 * Opens the output: { write(bytes) → Promise, written(), close() → Promise<size>, abort(), result() }.
 * Every write is checked: the bytes the storage reports must be the bytes given (a full OPFS has
 * been seen to return a bogus count instead of throwing), and close() checks that the file's final
 * size is the number of bytes written.
 */
async function openTarget(target) {
  if (target.kind === "handle" || target.kind === "opfs") {
    let handle = target.handle;
    try {
      if (target.kind === "opfs") {
        const dir = await navigator.storage.getDirectory();
        handle = await dir.getFileHandle(target.name, { create: true });
      }
    } catch (e) {
      throw storageError("browser storage cannot be opened", e);
    }
    if (typeof handle.createSyncAccessHandle === "function") {
      // An OPFS file: a sync access handle writes in this worker without a swap file.
      const access = await handle.createSyncAccessHandle().catch(() => null);
      if (access) {
        access.truncate(0);
        let at = 0;
        return {
          ready: () => Promise.resolve(),
          write: (bytes) => {
            let n;
            try {
              n = access.write(bytes, { at });
            } catch (e) {
              return Promise.reject(storageError(`writing ${bytes.byteLength} bytes at offset ${at} failed`, e));
            }
            if (n !== bytes.byteLength) {
              return Promise.reject(
                storageError(`the storage took ${n} of ${bytes.byteLength} bytes at offset ${at} (storage full?)`),
              );
            }
            at += n;
            return Promise.resolve();
          },
          written: () => at,
          close: () => {
            let size;
            try {
              access.flush();
              size = access.getSize();
              access.close();
            } catch (e) {
              return Promise.reject(storageError("saving the file failed", e));
            }
            if (size !== at) return Promise.reject(storageError(`the file holds ${size} of the ${at} bytes written`));
            return Promise.resolve(size);
          },
          abort: () => {
            // The partial output is not left behind: emptied here, removed by the page.
            try {
              access.truncate(0);
            } catch {
              /* already closed */
            }
            try {
              access.close();
            } catch {
              /* already closed */
            }
            return Promise.resolve();
          },
          result: () => ({}),
        };
      }
    }
    let writable;
    try {
      writable = await handle.createWritable();
    } catch (e) {
      throw storageError(`${target.name} cannot be opened for writing`, e);
    }
    const writer = writable.getWriter();
    let written = 0;
    return {
      ready: () => writer.ready,
      write: (bytes) =>
        writer.write(bytes).then(
          () => {
            written += bytes.byteLength;
          },
          (e) => Promise.reject(storageError(`writing ${bytes.byteLength} bytes at offset ${written} failed`, e)),
        ),
      written: () => written,
      close: async () => {
        try {
          await writer.close();
        } catch (e) {
          throw storageError("saving the file failed", e);
        }
        const size = (await handle.getFile()).size;
        if (size !== written) throw storageError(`the file holds ${size} of the ${written} bytes written`);
        return size;
      },
      abort: (why) => writer.abort(why),
      result: () => ({}),
    };
  }
  // Last resort: keep the chunks and hand the page one Blob at the end.
  const parts = [];
  let written = 0;
  let blob = null;
  return {
    ready: () => Promise.resolve(),
    write: (bytes) => {
      parts.push(bytes);
      written += bytes.byteLength;
      return Promise.resolve();
    },
    written: () => written,
    close: () => {
      try {
        blob = new Blob(parts, { type: target.contentType ?? "application/octet-stream" });
      } catch (e) {
        return Promise.reject(storageError("the output does not fit in memory", e));
      }
      parts.length = 0;
      if (blob.size !== written) return Promise.reject(storageError(`the file holds ${blob.size} of the ${written} bytes written`));
      return Promise.resolve(blob.size);
    },
    abort: () => {
      parts.length = 0;
      return Promise.resolve();
    },
    result: () => ({ blob }),
  };
}

function sinkRole(first) {
  const { ports, total, days, whole, credits, chunkBytes, encryption, grid } = first;
  const started = now();
  let cancelled = false;
  let failed = null;
  let writeError = null;
  let out = null;
  let wake = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitWake = () => new Promise((resolve) => (wake = resolve));

  // n, perDay, triage, outcomes: of the chunks handed to the output; generated: their bytes.
  const totals = { n: 0, generated: 0, perDay: new Array(days).fill(0), triage: [0, 0, 0], outcomes: [0, 0, 0, 0, 0] };
  // The latest calibration counts of each generator worker (merged and rendered by the page).
  const calibration = new Map();
  // Blocks in index order: seq → { port, chunks: [], ended }.
  const blocks = new Map();
  let nextStart = 0;
  let nextSeq = 0;
  let bytesPerPatient = 0; // observed, for sizing blocks
  const targetBlockBytes = Math.max(1, credits - 2) * chunkBytes;

  function nextBlock(port) {
    if (whole) {
      if (nextSeq > 0) return null;
      blocks.set(0, { port, chunks: [], ended: false });
      nextSeq = 1;
      nextStart = total;
      return { type: "block", seq: 0, whole: true };
    }
    if (nextStart >= total) return null;
    const remaining = total - nextStart;
    const perWorker = Math.ceil(remaining / ports.length);
    let size = bytesPerPatient > 0 ? Math.round(targetBlockBytes / bytesPerPatient) : 500;
    size = Math.max(100, Math.min(size, perWorker, 1 << 20));
    // Compressed: ranges of whole grid blocks (the output bytes say nothing of the generation
    // work, so the size is fixed: 4 blocks, fewer near the end).
    if (grid) size = Math.min(4 * GRID, Math.ceil(perWorker / GRID) * GRID);
    const start = nextStart;
    const end = Math.min(total, start + size);
    nextStart = end;
    const seq = nextSeq++;
    blocks.set(seq, { port, chunks: [], ended: false });
    return { type: "block", seq, start, end };
  }

  function assign(port) {
    const b = nextBlock(port);
    port.postMessage(b ?? { type: "stop" });
  }

  for (const port of ports) {
    port.onmessage = ({ data }) => {
      if (data.calibration) calibration.set(port, data.calibration);
      if (data.type === "ready") {
        assign(port);
      } else if (data.type === "chunk") {
        blocks.get(data.seq)?.chunks.push(data);
      } else if (data.type === "end") {
        const b = blocks.get(data.seq);
        if (b) b.ended = true;
        assign(port);
      } else if (data.type === "error") {
        failed = data.error;
      }
      poke();
    };
  }

  let lastReport = 0;
  function report(force) {
    const t = now();
    if (!force && t - lastReport < REPORT_MS) return;
    lastReport = t;
    self.postMessage({
      type: "progress",
      patients: totals.n,
      bytes: out ? out.written() : 0,
      generated: totals.generated,
      perDay: totals.perDay,
      triage: totals.triage,
      outcomes: totals.outcomes,
      calibration: [...calibration.values()],
      elapsedMs: t - started,
    });
  }
  const timer = setInterval(() => report(false), REPORT_MS);

  self.onmessage = ({ data }) => {
    if (data.type === "cancel") {
      cancelled = true;
      poke();
    }
  };

  (async () => {
    try {
      out = await openTarget(first.target);
      // PBKDF2 (600,000 iterations, WebCrypto) runs while the shard workers start generating.
      const enc = encryption ? await Encryptor.withPassword(encryption.password) : null;
      let written = 0;
      // One write per chunk: the encryptor's segments (64 KiB each) are joined first.
      const writeAll = (pieces) => {
        let bytes = pieces[0];
        if (pieces.length !== 1) {
          bytes = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0));
          let at = 0;
          for (const p of pieces) {
            bytes.set(p, at);
            at += p.byteLength;
          }
        }
        written += bytes.byteLength;
        return out.write(bytes);
      };
      let encrypting = Promise.resolve();
      let seq = 0;
      for (;;) {
        if (cancelled || failed || writeError) break;
        const b = blocks.get(seq);
        if (b && b.chunks.length > 0) {
          const msg = b.chunks.shift();
          const bytes = new Uint8Array(msg.data);
          await out.ready();
          if (writeError) break;
          // The credit goes back once the bytes are written: at most `credits` chunks per shard
          // worker exist outside it. A failed write stops the run (checked at the loop's top).
          // Encryption starts at once (overlapping the next chunks'); the writes are chained in
          // order, so the loop goes on while WebCrypto works.
          let stored;
          if (enc) {
            const sealed = enc.push(bytes);
            sealed.catch(() => {}); // reported through the chain below
            stored = encrypting = encrypting.then(async () => writeAll(await sealed));
          } else {
            stored = writeAll([bytes]);
          }
          stored.then(
            () => b.port.postMessage({ type: "credit", n: 1 }),
            (e) => {
              writeError ??= e;
              poke();
            },
          );
          const d = msg.delta;
          totals.n += d.n;
          totals.generated += bytes.byteLength;
          if (!whole && d.n > 0) bytesPerPatient = totals.generated / totals.n;
          for (let i = 0; i < d.perDay.length && i < totals.perDay.length; i++) totals.perDay[i] += d.perDay[i];
          for (let i = 0; i < 3; i++) totals.triage[i] += d.triage[i];
          for (let i = 0; i < 5; i++) totals.outcomes[i] += d.outcomes[i];
          report(false);
          continue;
        }
        if (b && b.ended) {
          blocks.delete(seq);
          seq++;
          continue;
        }
        if (!b && nextStart >= total && seq >= nextSeq) break; // every block handed to the output
        await waitWake();
      }
      if (writeError) throw writeError;
      if (failed) throw Object.assign(new Error(failed.message), { name: failed.name, errors: failed.errors });
      if (cancelled) {
        await out.abort(new DOMException("cancelled", "AbortError")).catch(() => {});
        clearInterval(timer);
        report(true);
        self.postMessage({ type: "cancelled" });
        return;
      }
      if (enc) {
        await encrypting;
        await out.ready();
        await writeAll(await enc.finish());
      }
      const size = await out.close();
      if (writeError) throw writeError;
      if (size !== written) {
        throw storageError(`the file holds ${size} of the ${written} bytes written`);
      }
      clearInterval(timer);
      report(true);
      // `generated`: the bytes the file must hold (with encryption: header, ciphertext and tags).
      self.postMessage({ type: "done", elapsedMs: now() - started, size, generated: written, ...out.result() });
    } catch (e) {
      clearInterval(timer);
      report(true);
      if (out) await out.abort(e).catch(() => {});
      const error = describe(e);
      if (e?.storage || e?.name === "QuotaExceededError") {
        error.storage = {
          reason: e.name,
          written: out ? out.written() : 0,
          generated: totals.generated,
          patients: totals.n,
          detail: e.message,
        };
      }
      self.postMessage({ type: "error", error });
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// Preview role

const PREVIEW_KEYS = [
  "id",
  "nationality",
  "gender",
  "injury_type",
  "triage_category",
  "status",
  "front",
  "final_status",
  "last_facility",
  "severity",
  "injury_time",
  "scenario",
  "event_id",
  "day",
  "body_part",
  "movement_timeline",
  "environmental_conditions",
  "mass_casualty",
];

function previewRole(first) {
  const ready = init(first.module);
  self.onmessage = async ({ data }) => {
    if (data.type !== "preview") return;
    try {
      await ready;
      // The records as objects, straight from the core (Generator.records()).
      const gen = new Generator(data.config, { range: [0, data.count], chunkSize: data.count });
      const all = [];
      for await (const r of gen.records()) all.push(r);
      const seed = gen.seed;
      gen.free?.();
      // The chosen format's size per patient (for the storage estimate), measured on 8 × 50
      // patients spread over the run (the first days alone are not typical).
      let probed = 0;
      let probedBytes = 0;
      const total = data.total ?? data.count;
      for (let k = 0; k < 8; k++) {
        const a = Math.floor((total * k) / 8);
        const b = Math.min(total, a + 50);
        if (b <= a || a < probed) continue;
        const g = new Generator(data.config, { format: data.format ?? "ndjson", range: [a, b], chunkSize: b - a });
        for (let c = g.nextChunk(); c !== undefined; c = g.nextChunk()) probedBytes += c.byteLength;
        g.free?.();
        probed += b - a;
      }
      const bytesPerPatient = probedBytes / Math.max(1, probed);
      const records = all.map((r) => {
        const o = {};
        for (const k of PREVIEW_KEYS) if (r[k] !== undefined) o[k] = r[k];
        o.name = `${r.demographics?.given_name ?? ""} ${r.demographics?.family_name ?? ""}`.trim();
        o.condition = r.conditions?.[0]?.name ?? "";
        return o;
      });
      self.postMessage({ type: "preview", id: data.id, key: data.key, records, seed, bytesPerPatient });
    } catch (e) {
      self.postMessage({ type: "preview-error", id: data.id, error: describe(e) });
    }
  };
}

self.onmessage = ({ data }) => {
  if (data.role === "shard") shardRole(data);
  else if (data.role === "sink") sinkRole(data);
  else if (data.role === "preview") previewRole(data);
};
