#!/usr/bin/env node
// `npx patientgen`: the CLI of docs/ARCHITECTURE.md#the-hosts on the wasm build, same flags and bytes as the native one.
import {
  closeSync, constants as fsc, createReadStream, createWriteStream, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync,
  readlinkSync, realpathSync, renameSync, statSync, unlinkSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ConfigError, DecryptError, Generator, Report, compressions, formats, presets, validateConfig, decryptStream } from "./node.js";
// The core's schema documents and compression grid (src/wasm/mod.rs); node.js has instantiated the module.
import { blockPatients as gridPatients } from "../pkg/patientgen.js";
import { writeFully } from "./cli_worker.js";

/**
 * The documents of `schema [WHAT]`, in the native CLI's order: files of the package generated from
 * the core by scripts/schema.sh (tests/schema.rs keeps them equal to `patientgen schema WHAT`), or
 * the generated tables between `<!-- marker -->` lines of the shipped docs. Read from files so the
 * `.wasm` carries no second copy of them.
 */
const SCHEMA_DOCUMENTS = {
  scenario: { file: "schema/scenario.schema.json" },
  record: { file: "schema/record.schema.json" },
  "scenario.d.ts": { file: "js/scenario.d.ts" },
  "record.d.ts": { file: "js/record.d.ts" },
  "keys.md": { file: "docs/SCENARIO.md", marker: "keys" },
  "record.md": { file: "docs/FIELDS.md", marker: "record" },
  "datapackage.json": { file: "schema/datapackage.json" },
  "csv.md": { file: "docs/FIELDS.md", marker: "csv" },
};

const EXIT_INPUT = 1;
const EXIT_IO = 2;

/** An error with the exit code the native CLI gives for it. */
function failure(message, exitCode) {
  const e = new Error(message);
  e.exitCode = exitCode;
  return e;
}

/**
 * Writes `text` to stdout or stderr and waits for the write: a full device, a closed pipe
 * (EPIPE) or a closed descriptor is an I/O error, exit 2 — as the native CLI (console.log would
 * drop such errors silently).
 */
function emit(stream, name, text) {
  return new Promise((resolve, reject) => {
    try {
      stream.write(text, (e) => (e ? reject(failure(`writing ${name}: ${e.message}`, EXIT_IO)) : resolve()));
    } catch (e) {
      reject(failure(`writing ${name}: ${e.message}`, EXIT_IO));
    }
  });
}
const say = (line) => emit(process.stdout, "stdout", `${line}\n`);
const note = (line) => emit(process.stderr, "stderr", `${line}\n`);
// Errors of the standard streams surface through the write callbacks above.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

/**
 * The file OUT stands for: a symlink is followed (its target is replaced, the link kept); a
 * device, FIFO or directory is refused (exit 1), as in the native CLI.
 */
function outputTarget(out) {
  let target = out;
  try {
    if (lstatSync(out).isSymbolicLink()) {
      try {
        target = realpathSync(out);
      } catch {
        target = resolve(dirname(out), readlinkSync(out)); // a dangling link names the file to create
      }
    }
  } catch (e) {
    if (e.code !== "ENOENT") throw failure(`opening ${out}: ${e.message}`, EXIT_IO);
  }
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    if (e.code === "ENOENT") return target;
    throw failure(`opening ${out}: ${e.message}`, EXIT_IO);
  }
  if (!st.isFile()) {
    throw failure(
      `${out} is not a regular file (a device, FIFO or directory); it is left alone: write to stdout with \`-o -\` and redirect instead`,
      EXIT_INPUT,
    );
  }
  return target;
}

function sameFile(a, b) {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * An output written to a private temporary file beside its target (`.NAME.PID.partial`, created
 * exclusively), fsynced and renamed over the target by `commit()`; `discard()` removes it. The
 * target is never truncated or removed before the commit.
 */
class AtomicOutput {
  constructor(target, mode) {
    this.target = target;
    this.partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
    try {
      this.fd = openSync(this.partial, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, mode);
      try {
        // The replaced file's permissions carry over.
        this.mode = statSync(target).mode & 0o7777;
      } catch {
        this.mode = undefined;
      }
    } catch (e) {
      throw failure(`creating ${target}: ${e.message}`, EXIT_IO);
    }
  }
  write(chunk) {
    writeFully(this.fd, chunk);
  }
  commit() {
    if (this.mode !== undefined) fchmodSync(this.fd, this.mode);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.partial, this.target);
    try {
      const dir = openSync(dirname(this.target), fsc.O_RDONLY);
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch {
      /* a directory that cannot be opened for fsync (rare): the rename itself is done */
    }
  }
  discard() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.partial);
    } catch {
      /* already gone */
    }
  }
}

// Every subcommand's flags, in one place: the parser, `--help`, did-you-mean and the lists of
// valid values all read this table (the same flags, values and descriptions as the native CLI).
const FORMATS = formats();
const COMMANDS = {
  generate: {
    about: "Generate a dataset (the embedded default scenario unless --config or --preset is given).",
    flags: [
      { name: "config", value: "FILE", help: "Scenario JSON file." },
      { name: "preset", value: "ID", help: "Shipped preset id (see `patientgen presets`)." },
      { name: "patients", value: "N", help: "Override the scenario's total_patients." },
      { name: "seed", value: "S", help: "Override the scenario's seed (0 … 2^64−1)." },
      { name: "format", value: "FORMAT", values: FORMATS, help: "Output format [default: ndjson]." },
      { name: "compress", value: "COMPRESS", values: compressions(), help: "Compression [default: none]." },
      { name: "level", value: "LEVEL", help: "DEFLATE level of --compress gzip/zip: 1 (fastest) … 9 (smallest) [default: 6]." },
      { name: "encrypt", help: "Encrypt the output (PGENC1: AES-256-GCM, PBKDF2-HMAC-SHA256 or Argon2id)." },
      { name: "kdf", value: "KDF", values: ["pbkdf2", "argon2id"], help: "Key derivation of --encrypt [default: pbkdf2]." },
      { name: "csv-raw", help: "CSV: keep text cells that start with =, +, -, @, tab or CR as they are." },
      { name: "password-file", value: "F", help: "File holding the encryption password (its first line); else PATIENTGEN_PASSWORD." },
      { name: "chunk-size", value: "N", help: "Records per chunk [default: 1000]." },
      { name: "range", value: "A..B", help: "Generate only the index range A..B." },
      { name: "shard", value: "K/N", help: "Generate only shard K of N (0-based), e.g. 2/4." },
      { name: "output", short: "o", value: "FILE", help: "Output file (written to a temporary file, renamed on success), or - for stdout (the default)." },
      { name: "progress", value: "WHEN", values: ["auto", "always", "never"], help: "Progress bar with rate and ETA on stderr [default: auto: on a terminal]." },
      { name: "metrics", value: "FILE", help: "Write Prometheus metrics to this file at the end." },
      { name: "threads", value: "N", help: "Generation threads (worker_threads; default: the available cores); the same bytes for any count. zip, encrypted or --metrics runs use one." },
    ],
  },
  validate: {
    about: "Validate a scenario file: print the normalised configuration, or every error with its JSON path.",
    args: "FILE",
    flags: [],
  },
  presets: { about: "List the shipped presets.", flags: [] },
  decrypt: {
    about: "Decrypt a PGENC1 file (password from --password-file or PATIENTGEN_PASSWORD).",
    args: "IN OUT",
    flags: [{ name: "password-file", value: "F", help: "File holding the password (its first line)." }],
  },
  report: {
    about: "Print the calibration report of an NDJSON file: outcomes, %KIA, %DOW, CFR, times to care.",
    args: "FILE",
    flags: [{ name: "json", help: "Print the report as JSON." }],
  },
  schema: {
    about: "Print the JSON Schema of a scenario file (or of an output record, or their TypeScript types).",
    args: "[WHAT]",
    flags: [],
    positional: { name: "WHAT", help: "Which document [default: scenario]", values: Object.keys(SCHEMA_DOCUMENTS) },
  },
  bench: {
    about: "Print the scaling table of the wasm engine in this Node process.",
    flags: [
      { name: "patients", value: "N,N,…", help: "Patient counts, comma-separated [default: 100,1000,10000,100000,1000000]." },
      { name: "format", value: "FORMAT", values: FORMATS, help: "Output format [default: ndjson]." },
      { name: "large", help: "Add 10,000,000 patients to the default sizes." },
      { name: "quick", help: "Small sizes only (100 and 1,000), for CI." },
    ],
  },
};

/** The help of one subcommand (`patientgen CMD --help`). */
function commandHelp(command) {
  const c = COMMANDS[command];
  const flags = [...c.flags, { name: "help", short: "h", help: "Print help." }];
  const left = (f) => `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` <${f.value}>` : ""}`;
  const width = Math.max(...flags.map((f) => left(f).length)) + 2;
  const lines = [c.about, "", `Usage: patientgen ${command}${flags.length > 1 ? " [OPTIONS]" : ""}${c.args ? ` ${c.args}` : ""}`, ""];
  if (c.positional) {
    const p = c.positional;
    lines.push("Arguments:", `  [${p.name}]  ${p.help} [possible values: ${p.values.join(", ")}]`, "");
  }
  lines.push("Options:");
  for (const f of flags) {
    const values = f.values ? ` [possible values: ${f.values.join(", ")}]` : "";
    lines.push(`  ${left(f).padEnd(width)}${f.help}${values}`);
  }
  return lines.join("\n");
}

const USAGE = [
  "Deterministic synthetic casualty datasets for military medical exercises (wasm build)",
  "",
  "Usage: patientgen <COMMAND>",
  "",
  "Commands:",
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.about}`),
  "",
  "`patientgen <COMMAND> --help` lists a command's flags.",
].join("\n");

class UsageError extends Error {}

/** Edit distance (insertions, deletions, substitutions) of two short strings. */
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The closest of `names` to `word` when it is close enough to be a typo (as clap suggests). */
function didYouMean(word, names) {
  let best;
  for (const n of names) {
    const d = distance(word, n);
    if (d <= Math.max(1, Math.floor(n.length / 3)) && (!best || d < best.d)) best = { n, d };
  }
  return best?.n;
}

/** Thrown by `parseArgs` for `--help`: the help is printed and the exit code is 0. */
class HelpRequest {
  constructor(command) {
    this.command = command;
  }
}

function parseArgs(argv, command) {
  const spec = COMMANDS[command].flags;
  const byName = new Map(spec.map((f) => [f.name, f]));
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") throw new HelpRequest(command);
    const short = /^-([a-z])$/.exec(a);
    if (short || (a.startsWith("--") && a.length > 2)) {
      let [name, value] = short ? [spec.find((f) => f.short === short[1])?.name ?? a, undefined] : a.slice(2).split(/=(.*)/s, 2);
      const f = byName.get(name);
      if (!f) {
        const near = didYouMean(name, [...byName.keys()]);
        const tip = near ? `\n\n  tip: a similar argument exists: '--${near}'` : "";
        throw new UsageError(`unexpected argument '${a}' found${tip}`, { cause: command });
      }
      if (!f.value) {
        flags[name] = true;
        continue;
      }
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`a value is required for '--${name} <${f.value}>' but none was supplied`);
        value = argv[++i];
      }
      if (f.values && !f.values.includes(value)) {
        const near = didYouMean(value, f.values);
        throw new UsageError(
          `invalid value '${value}' for '--${name} <${f.value}>'\n  [possible values: ${f.values.join(", ")}]${near ? `\n\n  tip: a similar value exists: '${near}'` : ""}`,
        );
      }
      flags[name] = value;
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

function readText(path) {
  try {
    return path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
  } catch (e) {
    const err = new Error(`reading ${path}: ${e.message}`);
    err.exitCode = EXIT_IO;
    throw err;
  }
}

function printConfigError(e) {
  for (const { path, message } of e.errors) console.error(path ? `${path}: ${message}` : message);
}

function intFlag(flags, name, { min = 0 } = {}) {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || BigInt(v) < BigInt(min)) throw new UsageError(`invalid value '${v}' for '--${name}'`);
  return v;
}

function password(flags) {
  if (flags["password-file"]) return readText(flags["password-file"]).replace(/\r?\n$/, "");
  if (process.env.PATIENTGEN_PASSWORD) return process.env.PATIENTGEN_PASSWORD;
  throw new UsageError("encryption needs --password-file F or the PATIENTGEN_PASSWORD environment variable");
}

/** A progress bar with rate and ETA on stderr, redrawn at most 4 times a second. */
function progressBar(total) {
  const t0 = performance.now();
  let last = 0;
  const clock = (s) => {
    const t = Math.max(0, Math.round(s));
    return `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  };
  return {
    update(done, bytes, force = false) {
      const now = performance.now();
      if (!force && now - last < 250) return;
      last = now;
      const secs = (now - t0) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const width = 40;
      const filled = Math.min(width, Math.round((width * done) / Math.max(total, 1)));
      const eta = rate > 0 ? clock((total - done) / rate) : "?";
      process.stderr.write(
        `\r${"█".repeat(filled)}${"░".repeat(width - filled)} ${done.toLocaleString("en")}/${total.toLocaleString("en")} patients  ${Math.round(rate).toLocaleString("en")}/s  ETA ${eta}  ${(bytes / 1e6).toFixed(1)} MB`,
      );
    },
    seconds: () => (performance.now() - t0) / 1000,
  };
}

/**
 * Whether the run may be generated block-parallel by worker threads (the one place this is
 * decided; the native CLI's `block_parallel`): uncompressed output of every format concatenates
 * by index range, and so does gzip output cut on the core's grid of `gridPatients()` patients
 * (one member per grid block, docs/OUTPUT.md "Compressed output"). zip holds each entry's data
 * in one piece (the native CLI keeps it on one thread too); encryption runs over the whole stream
 * inside one engine here; --metrics reports one engine's metrics: those use one thread.
 */
function blockParallel(options, flags) {
  return (options.compression === "none" || options.compression === "gzip") && !options.encryption && !flags.metrics;
}

/**
 * Patients per block of a multi-threaded run: four times the native CLI's (parallel.rs), about
 * 11–17 MB a block, because building an engine in wasm costs 0.6–1.5 ms (measured: `new
 * Generator` over a 1-patient range, 200 in a loop) against ≈ 50 µs natively. gzip blocks are
 * rounded up to whole grid blocks (5,000, 33,000 and 1,000 patients).
 */
function blockPatients(format, compression) {
  const size = format === "csv" ? 32768 : format === "fhir-r4" ? 512 : 4096;
  return compression === "gzip" ? Math.ceil(size / gridPatients()) * gridPatients() : size;
}

/**
 * How [start, end) is cut into blocks of `size` patients: the first block starts at `start` and,
 * for gzip when `start` is off the grid, ends at the next grid line; the blocks after it follow
 * on from there (on the grid for gzip). Returns the end of the first block and the block count.
 */
function cutBlocks([start, end], size, compression) {
  const grid = compression === "gzip" ? gridPatients() : 1;
  const firstEnd = Math.min(end, start % grid === 0 ? start + size : Math.ceil(start / grid) * grid);
  return { firstEnd, blocks: 1 + Math.ceil((end - firstEnd) / size) };
}

/** Most worker threads: each holds at most one block, so at most this many blocks are in flight. */
const MAX_WORKERS = 4;

/**
 * Generates [start, end) in blocks on `threads` worker threads (at most MAX_WORKERS), which
 * write them to `fd` in index order: the bytes of the single-threaded run. Returns the patients
 * and bytes written.
 */
function generateBlocks({ config, options, range: [start, end], threads, fd, name, bar }) {
  const size = blockPatients(options.format, options.compression);
  const { firstEnd, blocks } = cutBlocks([start, end], size, options.compression);
  const { shard, range, startIndex, ...rest } = options;
  const count = Math.min(threads, blocks, MAX_WORKERS);
  const shared = new SharedArrayBuffer(4);
  const turn = new Int32Array(shared);
  let patients = 0;
  let bytes = 0;
  let written = 0;
  // Compiled once here (lazily, ≈ 15 ms) and shared: the threads instantiate it without reading
  // or compiling the .wasm, and share its compiled code and V8's tier-up.
  const module = new WebAssembly.Module(readFileSync(new URL("../pkg/patientgen_bg.wasm", import.meta.url)));
  const workers = Array.from(
    { length: count },
    (_, index) =>
      new Worker(new URL("./cli_worker.js", import.meta.url), {
        workerData: { patientgenWorker: true, module, config, options: rest, fd, name, turn: shared, index, workers: count, blocks, start, end, size, firstEnd },
      }),
  );
  return new Promise((resolve, reject) => {
    for (const w of workers) {
      w.on("message", (m) => {
        if (m.error !== undefined) return reject(failure(m.error, EXIT_IO));
        written++;
        patients += m.patients;
        bytes += m.bytes;
        bar?.update(patients, bytes);
        if (written === blocks) resolve({ patients, bytes });
      });
      w.on("error", (e) => {
        Atomics.store(turn, 0, -1);
        Atomics.notify(turn, 0);
        reject(e);
      });
      w.on("exit", (code) => code !== 0 && written < blocks && reject(failure(`a generation thread exited with code ${code}`, EXIT_IO)));
    }
  }).finally(() => Promise.all(workers.map((w) => w.terminate())));
}

async function generate(argv) {
  const { flags, positional } = parseArgs(argv, "generate");
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}' found`);
  if (flags.config && flags.preset) throw new UsageError("the argument '--config <FILE>' cannot be used with '--preset <ID>'");
  if (flags.range && flags.shard) throw new UsageError("the argument '--range <A..B>' cannot be used with '--shard <K/N>'");
  if (flags.kdf !== undefined && !flags.encrypt) throw new UsageError("--kdf requires --encrypt");
  const config = flags.config ? readText(flags.config) : flags.preset ? JSON.stringify({ preset: flags.preset }) : "{}";
  const options = {
    format: flags.format ?? "ndjson",
    compression: flags.compress ?? "none",
  };
  if (flags["csv-raw"]) options.csvRaw = true;
  if (flags.patients !== undefined) options.patients = Number(intFlag(flags, "patients"));
  if (flags.seed !== undefined) options.seed = intFlag(flags, "seed");
  if (flags["chunk-size"] !== undefined) options.chunkSize = Number(intFlag(flags, "chunk-size"));
  if (flags.level !== undefined) {
    const level = intFlag(flags, "level");
    if (Number(level) < 1 || Number(level) > 9) throw new UsageError(`invalid value '${level}' for '--level <LEVEL>': ${level} is not in 1..=9`);
    options.compressionLevel = Number(level);
  }
  const threads = flags.threads === undefined ? availableParallelism() : Number(intFlag(flags, "threads", { min: 1 }));
  // "A..B" and "K/N" are parsed by the core (a ConfigError names `range` or `shard`).
  if (flags.range) options.range = flags.range;
  if (flags.shard) options.shard = flags.shard;
  const toStdout = flags.output === undefined || flags.output === "-";
  const name = toStdout ? "stdout" : flags.output;
  const target = toStdout ? undefined : outputTarget(flags.output);
  if (target && flags.config && sameFile(flags.config, target)) {
    throw failure(`--config ${flags.config} is also the output file; write elsewhere`, EXIT_INPUT);
  }
  if (flags.encrypt) options.encryption = { password: password(flags), deriveKey: "core", kdf: flags.kdf ?? "pbkdf2" };
  const gen = new Generator(config, options);
  const c0 = gen.counters;
  await note(`patientgen (wasm): ${c0.totalPatients} patients, seed ${gen.seed}, format ${options.format}`);
  const progress = flags.progress === "always" || (flags.progress !== "never" && process.stderr.isTTY);
  const bar = progress ? progressBar(c0.totalPatients) : undefined;
  // -o FILE: a temporary file beside FILE, renamed over it only once everything is written.
  const out = toStdout ? undefined : new AtomicOutput(target, 0o666);
  const fd = out ? out.fd : 1;
  let patients = 0;
  let bytes = 0;
  try {
    if (threads > 1 && blockParallel(options, flags) && c0.totalPatients > blockPatients(options.format, options.compression)) {
      const range = gen.range;
      const seed = gen.seed;
      gen.free();
      ({ patients, bytes } = await generateBlocks({ config, options: { ...options, seed }, range, threads, fd, name, bar }));
    } else {
      // Each chunk is written from a view into the engine's memory, before the next one reuses it.
      for (let v = gen.nextChunkView(); v !== undefined; v = gen.nextChunkView()) {
        try {
          writeFully(fd, v);
        } catch (e) {
          throw failure(`writing ${name}: ${e.message}`, EXIT_IO);
        }
        bytes += v.length;
        bar?.update(gen.counters.patientsGenerated, bytes);
      }
      patients = gen.counters.patientsGenerated;
    }
    if (bar) {
      bar.update(patients, bytes, true);
      const secs = bar.seconds();
      await note(`\n${patients} patients in ${secs.toFixed(2)} s (${Math.round(patients / Math.max(secs, 1e-9))} patients/s)`);
    }
    if (out) {
      try {
        out.commit();
      } catch (e) {
        throw failure(`writing ${flags.output}: ${e.message}`, EXIT_IO);
      }
    }
  } catch (e) {
    out?.discard();
    throw e;
  }
  if (flags.metrics) {
    try {
      (await import("node:fs")).writeFileSync(flags.metrics, gen.metrics());
    } catch (e) {
      throw failure(`writing ${flags.metrics}: ${e.message}`, EXIT_IO);
    }
  }
}

function schemaDocument(what) {
  const doc = Object.hasOwn(SCHEMA_DOCUMENTS, what) ? SCHEMA_DOCUMENTS[what] : undefined;
  if (!doc) return undefined;
  const text = readFileSync(new URL(`../${doc.file}`, import.meta.url), "utf8");
  if (!doc.marker) return text;
  const start = `<!-- ${doc.marker} -->\n`;
  const a = text.indexOf(start) + start.length;
  return text.slice(a, text.indexOf(`<!-- /${doc.marker} -->`, a));
}

/** `schema [WHAT]`: byte for byte what the native `patientgen schema` prints. */
async function schema(argv) {
  const { positional } = parseArgs(argv, "schema");
  if (positional.length > 1) throw new UsageError(`unexpected argument '${positional[1]}' found`);
  const what = positional[0] ?? "scenario";
  const text = schemaDocument(what);
  if (text === undefined) {
    const values = Object.keys(SCHEMA_DOCUMENTS);
    const near = didYouMean(what, values);
    throw new UsageError(
      `invalid value '${what}' for '[WHAT]'\n  [possible values: ${values.join(", ")}]${near ? `\n\n  tip: a similar value exists: '${near}'` : ""}`,
    );
  }
  await emit(process.stdout, "stdout", `${text.replace(/\n+$/, "")}\n`);
}

async function validate(argv) {
  const { positional } = parseArgs(argv, "validate");
  if (positional.length !== 1) throw new UsageError("validate needs exactly one FILE");
  const resolved = validateConfig(readText(positional[0]));
  await say(JSON.stringify(resolved, null, 2));
}

async function listPresets(argv) {
  const { positional } = parseArgs(argv, "presets");
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}' found`);
  // The native CLI's table, column for column.
  const row = (id, name, patients, days, types) =>
    `${id.padEnd(20)} ${name.padEnd(34)} ${String(patients).padStart(8)} ${String(days).padStart(5)}  ${types}`;
  const lines = [row("id", "name", "patients", "days", "warfare types")];
  for (const p of presets()) lines.push(row(p.id, p.name, p.total_patients, p.days_of_fighting, p.warfare_types.join(",")));
  await say(lines.join("\n"));
}

/**
 * `decrypt IN OUT` with the native CLI's contract: the header limits of docs/ENCRYPTION.md, exit 1
 * for every format or authentication failure, exit 2 for I/O errors; OUT is written to a
 * temporary file (mode 0600) and renamed only once the whole stream authenticated, so a failure
 * leaves OUT as it was; IN == OUT and a device or FIFO as OUT are refused.
 */
async function decrypt(argv) {
  const { flags, positional } = parseArgs(argv, "decrypt");
  if (positional.length !== 2) throw new UsageError("decrypt needs IN and OUT");
  const [inPath, outPath] = positional;
  const target = outPath === "-" ? undefined : outputTarget(outPath);
  if (target && inPath !== "-" && sameFile(inPath, target)) {
    throw failure(`${inPath} and ${outPath} are the same file; decrypt into another file (the ciphertext is left untouched)`, EXIT_INPUT);
  }
  const pw = password(flags);
  let src;
  if (inPath === "-") {
    src = process.stdin;
  } else {
    let fd;
    try {
      fd = openSync(inPath, "r");
    } catch (e) {
      throw failure(`opening ${inPath}: ${e.message}`, EXIT_IO);
    }
    src = createReadStream(null, { fd });
  }
  const out = target ? new AtomicOutput(target, 0o600) : undefined;
  const sink = new WritableStream({
    write: (chunk) => {
      if (!out) return emit(process.stdout, "stdout", chunk);
      try {
        out.write(chunk);
      } catch (e) {
        throw failure(`writing ${outPath}: ${e.message}`, EXIT_IO);
      }
    },
  });
  try {
    await Readable.toWeb(src).pipeThrough(decryptStream(pw)).pipeTo(sink);
    if (out) {
      try {
        out.commit();
      } catch (e) {
        throw failure(`writing ${outPath}: ${e.message}`, EXIT_IO);
      }
    }
  } catch (e) {
    out?.discard();
    if (e instanceof DecryptError) {
      throw failure(out ? `${e.message}\n${outPath} was not changed` : e.message, EXIT_INPUT);
    }
    if (e.exitCode) throw e;
    throw failure(`reading ${inPath}: ${e.message}`, EXIT_IO);
  }
}

/** The calibration report of an NDJSON file (`-`: stdin), read in chunks: the native CLI's output. */
async function report(argv) {
  const { flags, positional } = parseArgs(argv, "report");
  if (positional.length !== 1) throw new UsageError("report needs exactly one FILE");
  const file = positional[0];
  const r = new Report();
  try {
    const input = file === "-" ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
    for await (const chunk of input) r.push(chunk);
  } catch (e) {
    if (e.name === "ReportError") {
      e.exitCode = EXIT_INPUT;
      throw e;
    }
    const err = new Error(`reading ${file}: ${e.message}`);
    err.exitCode = EXIT_IO;
    throw err;
  }
  let text;
  try {
    text = flags.json ? r.json() : r.finish();
  } catch (e) {
    e.exitCode = EXIT_INPUT;
    throw e;
  }
  await emit(process.stdout, "stdout", text);
}

/** The scaling table of the wasm engine in this Node process (the native CLI adds its own column). */
function bench(argv) {
  const { flags, positional } = parseArgs(argv, "bench");
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const format = flags.format ?? "ndjson";
  let sizes = flags.quick ? [100, 1000] : [100, 1000, 10000, 100000, 1000000];
  if (flags.large && !flags.quick) sizes.push(10000000);
  if (flags.patients) {
    sizes = flags.patients.split(",").map((x) => {
      if (!/^\d+$/.test(x.trim()) || Number(x) < 1) throw new UsageError(`invalid value '${flags.patients}' for '--patients'`);
      return Number(x);
    });
  }
  // Each chunk is read through a view (nextChunkView), after 50,000 untimed patients that let V8
  // tier the hot functions up — as `patientgen bench` measures its wasm column.
  const run = (patients) => {
    const gen = new Generator("{}", { patients, seed: 1, format });
    let counted = 0;
    for (let c = gen.nextChunkView(); c !== undefined; c = gen.nextChunkView()) counted += c.length;
    const chunks = gen.counters.chunks;
    gen.free();
    return [counted, chunks];
  };
  run(50000);
  console.log("| N | wasm time | wasm patients/s | wasm MB/s | chunks | Node peak RSS |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const n of sizes) {
    const reps = Math.min(100, Math.max(1, Math.floor(300000 / n)));
    let best = Infinity;
    let bytes = 0;
    let chunks = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      [bytes, chunks] = run(n);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const time = best < 1 ? `${(best * 1000).toFixed(2)} ms` : `${best.toFixed(2)} s`;
    const rss = (process.resourceUsage().maxRSS / 1024).toFixed(1);
    console.log(
      `| ${n.toLocaleString("en")} | ${time} | ${Math.round(n / best).toLocaleString("en")} | ${Math.round(bytes / 1e6 / best)} | ${chunks.toLocaleString("en")} | ${rss} MiB |`,
    );
  }
  console.log(`\nDefault scenario, seed 1, ${format}, null sink; wasm in Node ${process.version}. The native CLI's \`patientgen bench\` prints native and wasm side by side.`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    if (command === "help" && rest[0] in COMMANDS) return say(commandHelp(rest[0]));
    return say(USAGE);
  }
  if (command === "--version" || command === "-V") return say("patientgen (wasm)");
  const run = { generate, validate, presets: listPresets, decrypt, bench, report, schema }[command];
  if (!run) {
    const near = command && didYouMean(command, Object.keys(COMMANDS));
    throw new UsageError(
      command ? `unrecognized subcommand '${command}'${near ? `\n\n  tip: a similar subcommand exists: '${near}'` : ""}` : "a command is required",
    );
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  async (e) => {
    if (e instanceof HelpRequest) {
      try {
        await say(commandHelp(e.command));
        process.exit(0);
      } catch (w) {
        console.error(`error: ${w.message}`);
        process.exit(EXIT_IO);
      }
    }
    if (e instanceof ConfigError) {
      printConfigError(e);
      process.exit(EXIT_INPUT);
    }
    if (e instanceof UsageError) {
      const cmd = process.argv[2] in COMMANDS ? process.argv[2] : undefined;
      console.error(`error: ${e.message}\n\nUsage: patientgen ${cmd ?? "<COMMAND>"} [OPTIONS]\n\nFor more information, try '${cmd ? `patientgen ${cmd} ` : ""}--help'.`);
      process.exit(EXIT_INPUT);
    }
    console.error(`error: ${e.message}`);
    process.exit(e.exitCode ?? EXIT_IO);
  },
);
