// The JavaScript API of patientgen (DESIGN.md §3.2), over the wasm engine (src/wasm/). The core
// parses and checks the options, generates, streams (pipeTo / readable with backpressure, yielding
// and abort), names the file and counts; this layer keeps the run's consumer state, turns engine
// errors into ConfigError, and derives a password's key with WebCrypto.
import { makeDecryptStream } from "./decrypt.js";

/** A configuration problem list: `errors` holds every `{path, message, suggestion?}`. */
export class ConfigError extends Error {
  constructor(message, errors) {
    super(message);
    this.name = "ConfigError";
    this.errors = errors;
  }
}

/** Makes the public API over one instantiated wasm-bindgen glue module. */
export function makeApi(wasm, { writable: adaptWritable = (w) => w } = {}) {
  const { Engine, validateConfig: wasmValidate, presetsJson, lastPanic, argon2idKey } = wasm;
  const { Report: WasmReport, mergeCalibrations: wasmMerge, calibrationReport: wasmCalibrationReport } = wasm;
  const decryptStream = makeDecryptStream({ argon2idKey });

  function translate(e) {
    if (e && e.name === "ConfigError" && Array.isArray(e.errors)) {
      return new ConfigError(e.message, e.errors.map((x) => ({ ...x })));
    }
    if (e instanceof WebAssembly.RuntimeError) {
      const why = lastPanic();
      return new Error(`patientgen internal error: ${why ?? e.message}`, { cause: e });
    }
    return e;
  }

  const call = (f) => {
    try {
      return f();
    } catch (e) {
      throw translate(e);
    }
  };

  /** Validates a scenario; returns the resolved configuration, or throws a ConfigError. */
  function validateConfig(config) {
    return JSON.parse(call(() => wasmValidate(config)));
  }

  /** The shipped presets. */
  function presets() {
    return JSON.parse(presetsJson());
  }

  /** PBKDF2-HMAC-SHA-256 with WebCrypto (the core checks the password and draws the salt). */
  async function deriveKey({ password, salt, iterations }) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256);
    return new Uint8Array(bits);
  }

  /**
   * A generation run. States: ready → running → finished (or failed/aborted), and freed.
   * `nextChunk()` is the synchronous step; `pipeTo`, `readable()`, `records()` and async iteration
   * drive it. A run has one consumer: once one has started, the synchronous calls and a second
   * consumer throw. After `free()` every method and property throws "generator was freed";
   * `free()` during `pipeTo` aborts the sink.
   */
  class Generator {
    #engine;
    #state = "ready";
    #claimed = false;
    #freeSignal = new AbortController();

    constructor(config = {}, options = {}) {
      this.#engine = call(() => new Engine(config, options));
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

    /** The dataset's file name, as the page and the edge worker name it. */
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

    /** Live counters (with elapsedMs, patientsPerSecond and recordsWritten). */
    get counters() {
      return this.#live.counters;
    }

    /** What the last chunk held: `{patients, serialized, output, seconds, outcomes, triage, perDay}`. */
    get lastChunk() {
      return this.#live.lastChunk;
    }

    /** The index range `[start, end]` this run generates. */
    get range() {
      return this.#live.range;
    }

    /** Prometheus text exposition of this run's metrics. */
    metrics() {
      return this.#live.metrics();
    }

    /** The calibration counts so far (JSON text), or undefined unless built with `{calibration: true}`. */
    calibrationCounts() {
      return this.#engine.calibrationCounts();
    }

    /** Releases the engine's WebAssembly memory now; the generator cannot be used afterwards. */
    free() {
      if (this.#state === "freed") return;
      this.#state = "freed";
      this.#freeSignal.abort(Object.assign(new Error("generator was freed"), { patientgenFreed: true }));
      this.#engine.markFreed();
      this.#engine.free();
    }

    /** Throws unless no consumer has claimed the run (the synchronous calls). */
    #direct(what) {
      this.#live;
      if (this.#state === "failed") throw new Error("generator has failed");
      if (this.#state === "aborted") throw new Error("generator was aborted");
      if (this.#claimed) throw new Error(`cannot call ${what}: the run is consumed by pipeTo, readable() or iteration`);
    }

    #begin(what) {
      this.#live;
      if (this.#claimed || this.#state !== "ready") {
        const why = this.#state === "ready" || this.#state === "running" ? "started" : this.#state;
        throw new Error(`cannot ${what}: generation has already ${why}`);
      }
      this.#claimed = true;
      this.#state = "running";
    }

    /** Derives a password's key with WebCrypto when the core asks for one (before the first chunk). */
    async #prepare() {
      const pending = this.#engine.pendingKey;
      if (!pending) return;
      const key = await deriveKey(pending);
      if (this.#state === "freed") throw new Error("generator was freed");
      call(() => this.#engine.setKey(key));
    }

    #step(f) {
      if (this.#state === "ready") this.#state = "running";
      try {
        const c = f();
        if (c === undefined) this.#state = "finished";
        return c;
      } catch (e) {
        this.#state = "failed";
        throw translate(e);
      }
    }

    /** The next chunk (Uint8Array), or undefined at the end. Synchronous. */
    nextChunk() {
      this.#direct("nextChunk()");
      return this.#step(() => this.#engine.nextChunk());
    }

    /**
     * The next chunk as a view into the engine's memory (no copy), or undefined at the end; valid
     * only until the next call on this generator (use it at once; keep chunks with nextChunk()).
     */
    nextChunkView() {
      this.#direct("nextChunkView()");
      return this.#step(() => this.#engine.nextChunkView());
    }

    #settle(e) {
      if (this.#state !== "freed" && this.#state !== "finished") {
        this.#state = e?.name === "AbortError" ? "aborted" : "failed";
      }
      return translate(e);
    }

    /**
     * Writes every chunk into a WritableStream<Uint8Array> (or, in Node, a stream.Writable),
     * awaiting writer.ready (backpressure) and yielding to the event loop between chunks. An
     * AbortSignal stops within one chunk: the writer is aborted and the bytes end at a record boundary.
     */
    async pipeTo(writable, { signal, onProgress, preventClose = false } = {}) {
      this.#begin("pipeTo");
      const signals = [this.#freeSignal.signal];
      if (signal) signals.push(signal);
      try {
        await this.#prepare();
        await this.#engine.pipeTo(adaptWritable(writable), signals, onProgress, preventClose);
        this.#state = "finished";
      } catch (e) {
        throw this.#settle(e);
      }
    }

    /** A pull-based ReadableStream: nothing is generated before it is read. */
    readable({ signal } = {}) {
      this.#begin("create a readable");
      if (!this.#engine.pendingKey) return call(() => this.#engine.readable(signal));
      // The key is derived (async) on the first read.
      let reader;
      return new ReadableStream(
        {
          pull: async (controller) => {
            if (!reader) {
              await this.#prepare();
              reader = this.#engine.readable(signal).getReader();
            }
            const r = await reader.read();
            if (r.done) controller.close();
            else controller.enqueue(r.value);
          },
          cancel: (why) => reader?.cancel(why),
        },
        { highWaterMark: 0 },
      );
    }

    /** Async iteration over the chunks, yielding to the event loop by time budget. */
    async *[Symbol.asyncIterator]() {
      this.#begin("iterate");
      await this.#prepare();
      const reader = this.#engine.readable().getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    }

    /**
     * The records as plain objects, each equal to `JSON.parse` of its NDJSON line (whatever the
     * output format), yielding to the event loop by time budget.
     */
    async *records() {
      this.#begin("iterate records");
      for (;;) {
        if (this.#state === "freed") throw new Error("generator was freed");
        const batch = this.#step(() => this.#engine.nextRecords());
        if (batch === undefined) return;
        yield* batch;
        await this.#engine.maybeYield();
      }
    }
  }

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

  return {
    Report,
    /** Adds calibration counts (JSON texts) of several generators, workers or reports. */
    mergeCalibrations: (list) => call(() => wasmMerge(Array.from(list, String))),
    /** The report of calibration counts as an object: `{patients, by_injury_triage, outcomes_by_injury, figures}`. */
    calibrationFigures: (counts) => JSON.parse(call(() => wasmCalibrationReport(counts, "json"))),
    /** The report of calibration counts as Markdown tables. */
    calibrationMarkdown: (counts) => call(() => wasmCalibrationReport(counts, "markdown")),
    Generator,
    ConfigError,
    validateConfig,
    presets,
    // Metrics over many runs (a server's): the core's exposition, src/metrics.rs.
    MetricsRegistry: wasm.MetricsRegistry,
    decryptStream,
    // The core's answers (src/options.rs), so no host re-derives them.
    /** `patientgen-<label>-<patients>-seed<seed>[part].<ext>` of a scenario and run options. */
    fileName: (config, options = {}, { encrypted = false } = {}) => call(() => wasm.fileName(config, options, encrypted)),
    /** The problems of run options, `[{path, message, suggestion?}]` (empty when none). */
    checkOptions: (options) => wasm.checkOptions(options),
    /** The content type of an output. */
    contentType: (format = "ndjson", compression = "none", { encrypted = false } = {}) =>
      call(() => wasm.contentType(format, compression, encrypted)),
    /** Shard k of n of `total` patients: `[start, end]`. */
    shardRange: (k, n, total) => call(() => wasm.shardRange(k, n, total)),
    /** `"K/N"` → `{index, count}` (ConfigError, path `shard`). */
    parseShard: (text) => call(() => wasm.parseShard(text)),
    /** `"A..B"` → `[A, B]` (ConfigError, path `range`). */
    parseRange: (text) => call(() => wasm.parseRange(text)),
    formats: () => wasm.formats(),
    compressions: () => wasm.compressions(),
    warfareTypes: () => wasm.warfareTypes(),
    nations: () => wasm.nations(),
    /** Throws what `e` becomes on its way out of the API (tests). */
    translateForTest: (e) => {
      throw translate(e);
    },
  };
}
