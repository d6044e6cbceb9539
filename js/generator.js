// The JavaScript API of patientgen (DESIGN.md §3.2), built on the wasm engine.
// The core is synchronous and pull-based; this layer adds backpressure, yielding, streams and abort.
import { makeDecryptStream } from "./decrypt.js";

/** A configuration problem list: `errors` holds every `{path, message}`. */
export class ConfigError extends Error {
  constructor(message, errors) {
    super(message);
    this.name = "ConfigError";
    this.errors = errors;
  }
}

/** Makes the public API over one instantiated wasm-bindgen glue module. */
export function makeApi(wasm) {
  const { Engine, validateConfig: wasmValidate, presetsJson, lastPanic, argon2idKey } = wasm;
  const { Report: WasmReport, mergeCalibrations: wasmMerge, calibrationReport: wasmCalibrationReport } = wasm;
  const decryptStream = makeDecryptStream({ argon2idKey });

  function translate(e) {
    if (e && e.name === "ConfigError" && Array.isArray(e.errors)) {
      return new ConfigError(e.message, e.errors.map((x) => ({ path: x.path, message: x.message })));
    }
    if (e instanceof WebAssembly.RuntimeError) {
      const why = lastPanic();
      return new Error(`patientgen internal error: ${why ?? e.message}`, { cause: e });
    }
    return e;
  }

  /** Validates a scenario; returns the resolved configuration, or throws a ConfigError. */
  function validateConfig(config) {
    try {
      return JSON.parse(wasmValidate(config));
    } catch (e) {
      throw translate(e);
    }
  }

  /** The shipped presets. */
  function presets() {
    return JSON.parse(presetsJson());
  }

  const now = () => (globalThis.performance ? performance.now() : Date.now());
  // Work this long between yields to the event loop (ms).
  const YIELD_BUDGET_MS = 8;

  /** Yields a macrotask: scheduler.yield(), setImmediate, MessageChannel, or setTimeout(0). */
  const yieldToEventLoop = (() => {
    if (globalThis.scheduler && typeof globalThis.scheduler.yield === "function") {
      return () => globalThis.scheduler.yield();
    }
    if (typeof globalThis.setImmediate === "function") {
      return () => new Promise((resolve) => globalThis.setImmediate(resolve));
    }
    if (typeof globalThis.MessageChannel === "function") {
      const channel = new MessageChannel();
      const waiting = [];
      channel.port1.onmessage = () => waiting.shift()?.();
      return () =>
        new Promise((resolve) => {
          waiting.push(resolve);
          channel.port2.postMessage(0);
        });
    }
    return () => new Promise((resolve) => setTimeout(resolve, 0));
  })();

  function abortError(signal) {
    const r = signal.reason;
    if (r instanceof Error && r.name === "AbortError") return r;
    const e = new DOMException(r === undefined ? "The operation was aborted" : String(r), "AbortError");
    return e;
  }

  async function deriveKey(password, salt, iterations) {
    const enc = new TextEncoder();
    const base = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256);
    return new Uint8Array(bits);
  }

  /**
   * A generation run. States: ready → running → finished (or failed/aborted), and freed.
   * `nextChunk()` is the synchronous step; `pipeTo`, `readable()` and async iteration drive it.
   * A run has one consumer: once `pipeTo`, `readable()` or iteration has started, `nextChunk()`,
   * `nextChunkView()` and a second consumer throw. After `free()` every method and property
   * throws "generator was freed"; `free()` during `pipeTo` aborts the sink.
   */
  class Generator {
    #engine;
    #state = "ready";
    #claimed = false;
    #freeSignal = new AbortController();
    #started = 0;
    #lastYield = 0;
    #options;
    #pending; // encryption setup still to do (async key derivation)
    #written = 0; // records of the chunks the consumer has taken (pipeTo: the sink accepted)

    constructor(config = {}, options = {}) {
      this.#options = options;
      const { encryption, ...rest } = options;
      try {
        if (
          encryption &&
          !encryption.key &&
          encryption.password !== undefined &&
          encryption.deriveKey !== "core" &&
          (encryption.kdf ?? "pbkdf2") === "pbkdf2"
        ) {
          if (String(encryption.password).length < 8) {
            throw new ConfigError("encryption.password: must have at least 8 characters", [
              { path: "encryption.password", message: "must have at least 8 characters" },
            ]);
          }
          // Derive with WebCrypto before the first chunk (async); the core gets the key.
          this.#pending = encryption;
          this.#engine = new Engine(config, { ...rest, encryption: { deferred: true } });
        } else {
          this.#engine = new Engine(config, options);
        }
      } catch (e) {
        throw translate(e);
      }
    }

    /** The engine, or a throw once freed. */
    get #live() {
      if (this.#state === "freed") throw new Error("generator was freed");
      return this.#engine;
    }

    /** The run's seed (decimal string). */
    get seed() {
      return this.#live.seed;
    }

    /** Suggested file name of the output. */
    get fileName() {
      return this.#live.fileName;
    }

    /** Content type of the output. */
    get contentType() {
      return this.#live.contentType;
    }

    /** Whether everything has been produced. */
    get done() {
      return this.#live.done;
    }

    /** Live counters, with host-clock elapsedMs and patientsPerSecond. */
    get counters() {
      const c = this.#live.counters;
      const elapsedMs = this.#started ? now() - this.#started : 0;
      c.elapsedMs = elapsedMs;
      c.patientsPerSecond = elapsedMs > 0 ? (c.patientsGenerated * 1000) / elapsedMs : 0;
      c.recordsWritten = this.#written;
      return c;
    }

    /** Prometheus text exposition of this run's metrics. */
    metrics() {
      return this.#live.metrics();
    }

    /**
     * The calibration counts of the patients generated so far (JSON text; merge several with
     * `mergeCalibrations`, render with `calibrationFigures` / `calibrationMarkdown`), or undefined
     * unless the generator was built with `{calibration: true}`.
     */
    calibrationCounts() {
      return this.#engine.calibrationCounts();
    }

    /**
     * Releases the engine's WebAssembly memory now instead of at garbage collection (a program that
     * creates many generators, e.g. one per index range, would otherwise grow the wasm memory).
     * The generator cannot be used afterwards (every method throws "generator was freed"; a
     * second `free()` does nothing). During `pipeTo` the sink is aborted; a `readable()` errors.
     */
    free() {
      if (this.#state === "freed") return;
      this.#state = "freed";
      this.#freeSignal.abort(new Error("generator was freed"));
      this.#engine.free();
    }

    /** Throws unless no consumer has claimed the run (the synchronous calls). */
    #direct(what) {
      this.#live;
      if (this.#state === "failed") throw new Error("generator has failed");
      if (this.#state === "aborted") throw new Error("generator was aborted");
      if (this.#claimed) throw new Error(`cannot call ${what}: the run is consumed by pipeTo, readable() or iteration`);
    }

    async #prepare() {
      if (!this.#pending) return;
      const p = this.#pending;
      this.#pending = undefined;
      const iterations = p.iterations ?? 600000;
      const salt = p.salt ?? crypto.getRandomValues(new Uint8Array(16));
      const key = await deriveKey(p.password, salt, iterations);
      try {
        this.#live.setKey(key, salt, iterations, p.segmentSize ?? 65536);
      } catch (e) {
        throw translate(e);
      }
    }

    /** The next chunk (Uint8Array), or undefined at the end. Synchronous. */
    nextChunk() {
      this.#direct("nextChunk()");
      return this.#take();
    }

    /** The next chunk, counted as written (the consumers' step). */
    #take() {
      const [chunk, records] = this.#next();
      this.#written += records;
      return chunk;
    }

    /**
     * The next chunk as a view into the engine's memory (no copy), or undefined at the end.
     * Synchronous. The view is valid only until the next call on this generator, which overwrites
     * it: use it at once (fs.writeSync, a hash, a byte count); keep or queue chunks with nextChunk().
     */
    nextChunkView() {
      this.#direct("nextChunkView()");
      const before = this.#engine.counters.patientsGenerated;
      const chunk = this.#step(true);
      this.#written += this.#engine.counters.patientsGenerated - before;
      return chunk;
    }

    /** The next chunk and the number of records it completes. */
    #next() {
      const before = this.#live.counters.patientsGenerated;
      return [this.#step(), this.#engine.counters.patientsGenerated - before];
    }

    #step(view = false) {
      if (this.#pending) {
        throw new Error("encryption with a password needs the asynchronous API (pipeTo, readable, for await)");
      }
      if (this.#state === "failed") throw new Error("generator has failed");
      if (this.#state === "aborted") throw new Error("generator was aborted");
      if (this.#state === "freed") throw new Error("generator was freed");
      if (!this.#started) this.#started = now();
      this.#state = "running";
      try {
        const c = view ? this.#engine.nextChunkView() : this.#engine.nextChunk();
        if (c === undefined) this.#state = "finished";
        return c;
      } catch (e) {
        this.#state = "failed";
        throw translate(e);
      }
    }

    async #maybeYield() {
      const t = now();
      if (t - this.#lastYield >= YIELD_BUDGET_MS) {
        await yieldToEventLoop();
        this.#lastYield = now();
      }
    }

    #begin(what) {
      this.#live;
      if (this.#claimed || this.#state !== "ready") {
        const why = this.#state === "ready" || this.#state === "running" ? "started" : this.#state;
        throw new Error(`cannot ${what}: generation has already ${why}`);
      }
      this.#claimed = true;
    }

    /**
     * Writes every chunk into a WritableStream<Uint8Array>, awaiting writer.ready (backpressure)
     * and yielding to the event loop between chunks. An AbortSignal stops within one chunk: the
     * writer is aborted and the bytes written end at a record boundary.
     */
    async pipeTo(writable, { signal, onProgress, preventClose = false } = {}) {
      this.#begin("pipeTo");
      const writer = writable.getWriter();
      let onAbort;
      const freed = this.#freeSignal.signal;
      let onFree;
      const aborted = new Promise((_, reject) => {
        onFree = () => reject(freed.reason);
        freed.addEventListener("abort", onFree, { once: true });
        if (!signal) return;
        onAbort = () => reject(abortError(signal));
        signal.addEventListener("abort", onAbort, { once: true });
      });
      aborted.catch(() => {});
      try {
        if (signal?.aborted) throw abortError(signal);
        await Promise.race([this.#prepare(), aborted]);
        for (;;) {
          await Promise.race([writer.ready, aborted]);
          if (signal?.aborted) throw abortError(signal);
          const [chunk, records] = this.#next();
          if (chunk === undefined) break;
          // Counted once the sink has accepted the chunk; a failed write rejects writer.ready.
          writer.write(chunk).then(() => (this.#written += records), () => {});
          if (onProgress) onProgress(this.counters);
          await this.#maybeYield();
        }
        if (!preventClose) await writer.close();
        else await writer.ready;
      } catch (e) {
        if (this.#state !== "freed") {
          if (this.#state !== "finished") this.#state = e?.name === "AbortError" ? "aborted" : "failed";
          this.#engine.observeError(e?.name === "AbortError" ? "cancelled" : e?.name === "ConfigError" ? "config_invalid" : "output");
        }
        await writer.abort(e).catch(() => {});
        throw e;
      } finally {
        if (onAbort) signal.removeEventListener("abort", onAbort);
        freed.removeEventListener("abort", onFree);
        try {
          writer.releaseLock();
        } catch {
          /* already released */
        }
      }
    }

    /** A pull-based ReadableStream: nothing is generated before it is read. */
    readable({ signal } = {}) {
      this.#begin("create a readable");
      let prepared = false;
      return new ReadableStream(
        {
          pull: async (controller) => {
            if (!prepared) {
              await this.#prepare();
              prepared = true;
            }
            if (this.#state === "freed") {
              controller.error(new Error("generator was freed"));
              return;
            }
            if (signal?.aborted) {
              this.#state = "aborted";
              this.#engine.observeError("cancelled");
              controller.error(abortError(signal));
              return;
            }
            const chunk = this.#take();
            if (chunk === undefined) controller.close();
            else controller.enqueue(chunk);
          },
          cancel: () => {
            if (this.#state !== "finished" && this.#state !== "freed") {
              this.#state = "aborted";
              this.#engine.observeError("cancelled");
            }
          },
        },
        { highWaterMark: 0 },
      );
    }

    /** Async iteration over the chunks, yielding to the event loop by time budget. */
    async *[Symbol.asyncIterator]() {
      this.#begin("iterate");
      await this.#prepare();
      for (;;) {
        const chunk = this.#take();
        if (chunk === undefined) return;
        yield chunk;
        await this.#maybeYield();
      }
    }
  }

  const call = (f) => {
    try {
      return f();
    } catch (e) {
      throw translate(e);
    }
  };
  const bytesOf = (chunk) => (typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);

  /**
   * The calibration report of NDJSON given in chunks split anywhere (what `patientgen report FILE`
   * prints). `push()` throws an Error named ReportError with `line` and `path` on invalid input.
   */
  class Report {
    #report = new WasmReport();
    /** Reads a chunk (Uint8Array, or a string encoded as UTF-8). */
    push(chunk) {
      call(() => this.#report.push(bytesOf(chunk)));
    }
    /** Ends the input; the report as Markdown tables. */
    finish() {
      return call(() => this.#report.finish());
    }
    /** Ends the input; the report as JSON text (`patientgen report --json`). */
    json() {
      return call(() => this.#report.json());
    }
    /** The calibration counts read so far (JSON text, for `mergeCalibrations`). */
    counts() {
      return call(() => this.#report.counts());
    }
    /** Releases the WebAssembly memory now. */
    free() {
      this.#report.free();
    }
  }

  /** Adds calibration counts (JSON texts) of several generators, workers or reports. */
  function mergeCalibrations(list) {
    return call(() => wasmMerge(Array.from(list, String)));
  }

  /** The report of calibration counts as an object: `{patients, by_injury_triage, outcomes_by_injury, figures}`. */
  function calibrationFigures(counts) {
    return JSON.parse(call(() => wasmCalibrationReport(counts, "json")));
  }

  /** The report of calibration counts as Markdown tables. */
  function calibrationMarkdown(counts) {
    return call(() => wasmCalibrationReport(counts, "markdown"));
  }

  return {
    Report,
    mergeCalibrations,
    calibrationFigures,
    calibrationMarkdown,
    Generator,
    ConfigError,
    validateConfig,
    presets,
    // Metrics over many runs (a server's): the core's exposition, src/metrics.rs.
    MetricsRegistry: wasm.MetricsRegistry,
    decryptStream,
    yieldToEventLoop,
    /** Throws what `e` becomes on its way out of the API (tests). */
    translateForTest: (e) => {
      throw translate(e);
    },
  };
}
