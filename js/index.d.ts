// Types of the patientgen npm package (README.md, docs/SCENARIO.md, docs/FIELDS.md).

/** One configuration problem. */
export interface ConfigProblem {
  /** JSON path relative to the input document, e.g. `front_configs[1].name`. */
  path: string;
  /** What is wrong. */
  message: string;
  /** For an unknown option key or name: the known one it most resembles (did-you-mean). */
  suggestion?: string;
}

/** Thrown by `validateConfig` and `new Generator` for an invalid scenario or option. */
export class ConfigError extends Error {
  readonly name: "ConfigError";
  /** Every problem, in document order. */
  readonly errors: ConfigProblem[];
}

import type { Scenario } from "./scenario.js";
export type { Scenario, PresetId } from "./scenario.js";
export type { PatientRecord } from "./record.js";

/** A scenario: an object (every key in docs/SCENARIO.md) or its JSON text. */
export type ScenarioInput = Scenario | string;

export type Format = "ndjson" | "json" | "json-wrapped" | "csv" | "xml" | "fhir-r4";
export type Compression = "none" | "gzip" | "zip";

export interface EncryptionOptions {
  /** Password (≥ 8 characters); the key is derived with WebCrypto PBKDF2-HMAC-SHA256, or with Argon2id in the core. */
  password?: string;
  /** Key derivation: `"pbkdf2"` (default) or the memory-hard `"argon2id"` (64 MiB, 3 passes, 4 lanes; docs/ENCRYPTION.md). */
  kdf?: "pbkdf2" | "argon2id";
  /** A pre-derived 32-byte key, with the salt and iteration count it was derived with. */
  key?: Uint8Array;
  salt?: Uint8Array;
  /** PBKDF2 iterations (default 600,000; minimum 100,000). */
  iterations?: number;
  /** Plaintext bytes per segment (default 65,536). */
  segmentSize?: number;
  /** `"core"`: derive a PBKDF2 key in the core instead of with WebCrypto. */
  deriveKey?: "core" | "host";
}

/**
 * Run options, read and checked by the core (src/options.rs): an unknown key is a ConfigError
 * naming its path with a did-you-mean.
 */
export interface GeneratorOptions {
  format?: Format;
  compression?: Compression;
  /** Deflate level 1–9 of gzip and zip output (default 6). */
  compressionLevel?: number;
  /** CSV: keep text cells starting with =, +, -, @, tab or CR as they are (default: neutralised; docs/OUTPUT.md). */
  csvRaw?: boolean;
  /** Records per chunk (default 1000). */
  chunkSize?: number;
  /** Serialised bytes per chunk (default 1 MiB): a chunk ends after the record reaching it. */
  chunkBytes?: number;
  /** Overrides the scenario's total_patients. */
  patients?: number;
  /** Overrides the scenario's seed (a decimal string for values above 2^53 − 1). */
  seed?: number | string;
  /** Generate shard `index` of `count` (0-based), or `"K/N"`. */
  shard?: { index: number; count: number } | string;
  /** Generate the index range [start, end), or `"A..B"`. */
  range?: [number, number] | string;
  /** Start at this index (resume), up to the range end or the total. */
  startIndex?: number;
  encryption?: EncryptionOptions;
  /** Accumulate the calibration report over the generated patients (`calibrationCounts()`). */
  calibration?: boolean;
}

export interface Counters {
  patientsGenerated: number;
  /** Records of the chunks taken by the consumer; in pipeTo, of the chunks the sink accepted. */
  recordsWritten: number;
  totalPatients: number;
  chunks: number;
  bytesSerialized: number;
  bytesOut: number;
  elapsedMs: number;
  patientsPerSecond: number;
  outcomes: { KIA: number; DOW: number; RTD: number; Remains_Role4: number };
  triage: { T1: number; T2: number; T3: number };
  /** Patients per day (index 0 = day 1). */
  perDay: number[];
  /** The run's seed (decimal string). */
  seed: string;
}

/** What one chunk held, as the core reports it. */
export interface ChunkReport {
  patients: number;
  /** Bytes the record writer produced (before compression and encryption). */
  serialized: number;
  /** Bytes of the chunk (after compression and encryption). */
  output: number;
  /** Wall time of the chunk, seconds. */
  seconds: number;
  outcomes: { KIA: number; DOW: number; RTD: number; Remains_Role4: number; NBD: number };
  triage: { T1: number; T2: number; T3: number };
  perDay: number[];
}

/** A Node `stream.Writable` (e.g. `fs.createWriteStream(f)`), which `pipeTo` accepts in Node. */
export interface NodeWritableLike {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  once(event: string, listener: (...args: any[]) => void): unknown;
  end(callback?: () => void): unknown;
}

export interface PipeOptions {
  signal?: AbortSignal;
  onProgress?: (counters: Counters) => void;
  /** Leave the writable open at the end. */
  preventClose?: boolean;
}

/**
 * A generation run over a scenario. A run has one consumer: once `pipeTo`, `readable()` or
 * iteration has started, `nextChunk()`, `nextChunkView()` and a second consumer throw. After
 * `free()` every method and property throws "generator was freed"; `free()` during `pipeTo` aborts
 * the sink.
 */
export class Generator implements AsyncIterable<Uint8Array> {
  constructor(config?: ScenarioInput, options?: GeneratorOptions);
  /** The run's seed (decimal string). */
  readonly seed: string;
  /** The dataset's file name, as the page and the edge worker give it: `patientgen-<preset>-<n>-seed<s>[-shardKofN].<ext>`. */
  readonly fileName: string;
  /** Content type of the output. */
  readonly contentType: string;
  /** Whether everything has been produced. */
  readonly done: boolean;
  /** Live counters. */
  readonly counters: Counters;
  /** What the last chunk held (undefined before the first). */
  readonly lastChunk: ChunkReport | undefined;
  /** The index range `[start, end]` this run generates. */
  readonly range: [number, number];
  /**
   * Writes every chunk into `writable` (a WritableStream, or in Node a stream.Writable), honouring
   * backpressure; resolves once it is closed (a file: flushed); rejects with an AbortError on abort.
   */
  pipeTo(writable: WritableStream<Uint8Array> | NodeWritableLike, options?: PipeOptions): Promise<void>;
  /** A pull-based stream: nothing is generated before it is read. */
  readable(options?: { signal?: AbortSignal }): ReadableStream<Uint8Array>;
  /** The records as plain objects, each equal to `JSON.parse` of its NDJSON line. */
  records(): AsyncIterableIterator<Record<string, unknown>>;
  /** The next chunk, or undefined at the end (synchronous). */
  nextChunk(): Uint8Array | undefined;
  /**
   * The next chunk as a view into the engine's memory, without a copy, or undefined at the end
   * (synchronous). Valid only until the next call on this generator, which overwrites it: use it at
   * once (`fs.writeSync`, a hash, a byte count); to keep or queue chunks use `nextChunk()`.
   */
  nextChunkView(): Uint8Array | undefined;
  /** Prometheus text exposition of this run's metrics. */
  metrics(): string;
  /** Calibration counts so far (JSON text), or undefined unless built with `{calibration: true}`. */
  calibrationCounts(): string | undefined;
  /** Releases the engine's WebAssembly memory now (not at garbage collection); unusable afterwards. */
  free(): void;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/**
 * Prometheus metrics accumulated over many runs and requests — a server's (the edge worker keeps
 * one per isolate). Rendering is the core's (src/metrics.rs): the families of `Generator.metrics()`
 * plus `patientgen_requests_rejected_total{status}` and `patientgen_wasm_memory_bytes`.
 */
export class MetricsRegistry {
  constructor();
  /** Records one emitted chunk: its patients, bytes per stage and wall time in seconds. */
  observeChunk(format: Format, patients: number, serialized: number, output: number, seconds: number): void;
  /** Counts a failed run or request by error type (unknown types count as `internal`). */
  observeError(errorType: "config_invalid" | "output" | "encryption" | "cancelled" | "internal" | string): void;
  /** Counts a request rejected with a 4xx status; false (nothing counted) for other statuses. */
  observeRejection(status: number): boolean;
  /** Counts a run that started. */
  runStarted(): void;
  /** Counts a run that ended (completed, failed or cancelled). */
  runFinished(): void;
  /** Runs started and not yet finished. */
  readonly activeRuns: number;
  /** The Prometheus text exposition (0.0.4), with the current WebAssembly memory size. */
  render(): string;
  /** Releases the registry's WebAssembly memory now. */
  free(): void;
}

/** A shipped preset. */
export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  category: string;
  difficulty: string;
  total_patients: number;
  days_of_fighting: number;
  warfare_types: string[];
}

/** Initialises the WebAssembly module (browser entry; a no-op in Node, workerd and Deno). */
export default function init(input?: Request | string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<unknown>;
/** Validates a scenario; returns the resolved configuration or throws a ConfigError. */
export function validateConfig(config: ScenarioInput): Record<string, unknown>;
/** The shipped presets. */
export function presets(): PresetInfo[];
/** The dataset file name of a scenario and run options (the page's, the edge's, `Generator.fileName`). */
export function fileName(config: ScenarioInput, options?: GeneratorOptions, flags?: { encrypted?: boolean }): string;
/** The problems of run options (empty when none). */
export function checkOptions(options: GeneratorOptions): ConfigProblem[];
/** The content type of an output (`application/octet-stream` when encrypted). */
export function contentType(format?: Format, compression?: Compression, flags?: { encrypted?: boolean }): string;
/** Shard `k` of `n` of `total` patients: `[start, end]`. */
export function shardRange(k: number, n: number, total: number): [number, number];
/** `"K/N"` → `{index, count}`; throws a ConfigError (path `shard`). */
export function parseShard(text: string): { index: number; count: number };
/** `"A..B"` → `[A, B]`; throws a ConfigError (path `range`). */
export function parseRange(text: string): [number, number];
/** The output formats. */
export function formats(): Format[];
/** The compressions. */
export function compressions(): Compression[];
/** The configurable warfare types. */
export function warfareTypes(): string[];
/** The nations: ISO 3166-1 alpha-3 code and English name. */
export function nations(): { code: string; name: string }[];
/** One figure of the calibration report (docs/REPORT.md). */
export interface CalibrationFigure {
  id: string;
  section: string;
  label: string;
  /** A count, a percentage (0–100), hours or an AUC (0–1); null when undefined. */
  value: number | null;
  /** The value as printed ("13.8 %", "1.4 h", "> 240 h", "—"). */
  text: string;
  /** What it was computed from ("293 / 2,120", "n = 1,204"). */
  basis: string;
  definition: string;
}

/** The calibration report (`patientgen report --json`). */
export interface CalibrationReport {
  patients: number;
  by_injury_triage: Record<string, { T1: number; T2: number; T3: number; T4: number; total: number }>;
  outcomes_by_injury: Record<string, { KIA: number; DOW: number; NBD: number; RTD: number; RTD_72h: number; Remains_Role4: number; deaths: number }>;
  figures: CalibrationFigure[];
}

/** The calibration report of NDJSON given in chunks split anywhere (`patientgen report FILE`). */
export class Report {
  constructor();
  /** Reads a chunk; throws an Error named ReportError with `line` and `path` on invalid input. */
  push(chunk: Uint8Array | string): void;
  /** Ends the input; the report as Markdown tables. */
  finish(): string;
  /** Ends the input; the report as JSON text. */
  json(): string;
  /** Calibration counts read so far (JSON text). */
  counts(): string;
  free(): void;
}

/** Adds calibration counts (JSON texts from `calibrationCounts()` / `Report.counts()`). */
export function mergeCalibrations(counts: Iterable<string>): string;
/** The report of calibration counts as an object. */
export function calibrationFigures(counts: string): CalibrationReport;
/** The report of calibration counts as Markdown tables. */
export function calibrationMarkdown(counts: string): string;

/** Why a PGENC1 stream was refused; `code` names the class (docs/ENCRYPTION.md, "Limits every decryptor enforces"). */
export class DecryptError extends Error {
  readonly name: "DecryptError";
  readonly code: "not_pgenc" | "version" | "kdf" | "kdf_cost" | "segment_size" | "truncated" | "authentication" | "too_many_segments";
}

/** The PGENC1 header limits every decryptor of patientgen enforces. */
export const LIMITS: {
  readonly minIterations: number;
  readonly maxIterations: number;
  readonly minSegmentSize: number;
  readonly maxSegmentSize: number;
  readonly argon2: {
    readonly minMemoryMib: number;
    readonly maxMemoryMib: number;
    readonly minPasses: number;
    readonly maxPasses: number;
    readonly minLanes: number;
    readonly maxLanes: number;
  };
};

/**
 * Decrypts a PGENC1 stream (PBKDF2 or Argon2id). Errors the stream with a DecryptError on a
 * refused header, a wrong password, tampering, truncation or reordering, and with an AbortError
 * as soon as `signal` aborts (the key derivation included). Buffers at most one segment.
 */
export function decryptStream(password: string, options?: { signal?: AbortSignal }): TransformStream<Uint8Array, Uint8Array>;

// Web platform types used above, declared here empty so that a project compiled without the DOM
// lib (a Node-only tsconfig with `skipLibCheck: false`) type-checks. With the DOM lib or
// @types/node these declarations merge with the full ones and change nothing.
declare global {
  interface AbortSignal {}
  interface ReadableStream<R = any> {}
  interface WritableStream<W = any> {}
  interface TransformStream<I = any, O = any> {}
  interface Request {}
  interface Response {}
  interface URL {}
  namespace WebAssembly {
    interface Module {}
  }
}
