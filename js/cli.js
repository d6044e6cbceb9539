#!/usr/bin/env node
// `npx patientgen`: the CLI of DESIGN.md §3.1 on the wasm build, same flags and bytes as the native one.
import {
  closeSync, constants as fsc, createReadStream, createWriteStream, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync,
  readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { ConfigError, DecryptError, Generator, Report, presets, validateConfig, decryptStream } from "./node.js";

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
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
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

const USAGE = `usage:
  patientgen generate [--config FILE | --preset ID] [--patients N] [--seed S]
                      [--format ndjson|json|json-wrapped|csv|xml|fhir-r4] [--compress none|gzip|zip]
                      [--csv-raw] [--encrypt] [--kdf pbkdf2|argon2id] [--password-file F]
                      [--chunk-size N] [--range A..B | --shard K/N]
                      [-o FILE | -o -] [--progress auto|always|never] [--metrics FILE]
  patientgen validate FILE
  patientgen presets
  patientgen decrypt [--password-file F] IN OUT
  patientgen report FILE [--json]
  patientgen bench [--patients 100,1000,10000,100000,1000000] [--format F] [--large] [--quick]`;

class UsageError extends Error {}

const FLAGS = {
  generate: ["config", "preset", "patients", "seed", "format", "compress", "csv-raw", "encrypt", "kdf", "password-file", "chunk-size", "range", "shard", "o", "output", "progress", "metrics"],
  decrypt: ["password-file"],
  bench: ["patients", "format", "large", "quick"],
  report: ["json"],
};
const BOOLEAN = new Set(["encrypt", "csv-raw", "large", "quick", "json"]);

function parseArgs(argv, command) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-o" || (a.startsWith("--") && a.length > 2)) {
      let [name, value] = a === "-o" ? ["o", undefined] : a.slice(2).split(/=(.*)/s, 2);
      if (!(FLAGS[command] ?? []).includes(name)) throw new UsageError(`unexpected argument '${a}'`);
      if (name === "output") name = "o";
      if (BOOLEAN.has(name)) {
        flags[name] = true;
        continue;
      }
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`a value is required for '${a}'`);
        value = argv[++i];
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

async function generate(argv) {
  const { flags, positional } = parseArgs(argv, "generate");
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  if (flags.config && flags.preset) throw new UsageError("--config and --preset cannot be used together");
  if (flags.range && flags.shard) throw new UsageError("--range and --shard cannot be used together");
  if (flags.kdf !== undefined && !flags.encrypt) throw new UsageError("--kdf requires --encrypt");
  if (flags.kdf !== undefined && !["pbkdf2", "argon2id"].includes(flags.kdf)) throw new UsageError(`invalid value '${flags.kdf}' for '--kdf'`);
  const config = flags.config ? readText(flags.config) : flags.preset ? JSON.stringify({ preset: flags.preset }) : "{}";
  const options = {
    format: flags.format ?? "ndjson",
    compression: flags.compress ?? "none",
  };
  if (flags["csv-raw"]) options.csvRaw = true;
  if (flags.patients !== undefined) options.patients = Number(intFlag(flags, "patients"));
  if (flags.seed !== undefined) options.seed = intFlag(flags, "seed");
  if (flags["chunk-size"] !== undefined) options.chunkSize = Number(intFlag(flags, "chunk-size"));
  if (flags.range) {
    const m = /^(\d+)\.\.(\d+)$/.exec(flags.range);
    if (!m) throw new UsageError(`--range: expected A..B with integers, got "${flags.range}"`);
    options.range = [Number(m[1]), Number(m[2])];
  }
  if (flags.shard) {
    const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
    if (!m) throw new UsageError(`--shard: expected K/N with integers, got "${flags.shard}"`);
    options.shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const toStdout = flags.o === undefined || flags.o === "-";
  const target = toStdout ? undefined : outputTarget(flags.o);
  if (target && flags.config && sameFile(flags.config, target)) {
    throw failure(`--config ${flags.config} is also the output file; write elsewhere`, EXIT_INPUT);
  }
  if (flags.encrypt) options.encryption = { password: password(flags), deriveKey: "core", kdf: flags.kdf ?? "pbkdf2" };
  const gen = new Generator(config, options);
  const c0 = gen.counters;
  await note(`patientgen (wasm): ${c0.totalPatients} patients, seed ${gen.seed}, format ${options.format}`);
  const progress = flags.progress === "always" || (flags.progress !== "never" && process.stderr.isTTY);
  let lastReport = 0;
  // -o FILE: a temporary file beside FILE, renamed over it only once everything is written.
  const out = toStdout ? undefined : new AtomicOutput(target, 0o666);
  try {
    for (let chunk = gen.nextChunk(); chunk !== undefined; chunk = gen.nextChunk()) {
      if (out) {
        try {
          out.write(chunk);
        } catch (e) {
          throw failure(`writing ${flags.o}: ${e.message}`, EXIT_IO);
        }
      } else {
        await emit(process.stdout, "stdout", chunk);
      }
      if (progress && Date.now() - lastReport > 250) {
        lastReport = Date.now();
        const c = gen.counters;
        process.stderr.write(`\r${c.patientsGenerated}/${c.totalPatients} patients  ${Math.round(c.patientsPerSecond)}/s   `);
      }
    }
    if (progress) {
      const c = gen.counters;
      await note(`\n${c.patientsGenerated} patients in ${(c.elapsedMs / 1000).toFixed(2)} s (${Math.round(c.patientsPerSecond)} patients/s)`);
    }
    if (out) {
      try {
        out.commit();
      } catch (e) {
        throw failure(`writing ${flags.o}: ${e.message}`, EXIT_IO);
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

async function validate(argv) {
  const { positional } = parseArgs(argv, "validate");
  if (positional.length !== 1) throw new UsageError("validate needs exactly one FILE");
  const resolved = validateConfig(readText(positional[0]));
  await say(JSON.stringify(resolved, null, 2));
}

async function listPresets() {
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
  switch (command) {
    case "generate":
      return generate(rest);
    case "validate":
      return validate(rest);
    case "presets":
      return listPresets();
    case "decrypt":
      return decrypt(rest);
    case "bench":
      return bench(rest);
    case "report":
      return report(rest);
    case "--help":
    case "-h":
    case "help":
      return say(USAGE);
    case "--version":
    case "-V":
      return say("patientgen (wasm)");
    default:
      throw new UsageError(command ? `unknown command '${command}'` : "a command is required");
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    if (e instanceof ConfigError) {
      printConfigError(e);
      process.exit(EXIT_INPUT);
    }
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      process.exit(EXIT_INPUT);
    }
    console.error(`error: ${e.message}`);
    process.exit(e.exitCode ?? EXIT_IO);
  },
);
