#!/usr/bin/env node
// `npx patientgen`: the CLI of DESIGN.md §3.1 on the wasm build, same flags and bytes as the native one.
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { ConfigError, Generator, Report, presets, validateConfig, decryptStream } from "./node.js";

const EXIT_INPUT = 1;
const EXIT_IO = 2;

const USAGE = `usage:
  patientgen generate [--config FILE | --preset ID] [--patients N] [--seed S]
                      [--format ndjson|json|json-wrapped|csv|xml|fhir-r4] [--compress none|gzip|zip]
                      [--encrypt] [--password-file F] [--chunk-size N] [--range A..B | --shard K/N]
                      [-o FILE | -o -] [--progress auto|always|never] [--metrics FILE]
  patientgen validate FILE
  patientgen presets
  patientgen decrypt [--password-file F] IN OUT
  patientgen report FILE [--json]
  patientgen bench [--patients 100,1000,10000,100000,1000000] [--format F] [--large] [--quick]`;

class UsageError extends Error {}

const FLAGS = {
  generate: ["config", "preset", "patients", "seed", "format", "compress", "encrypt", "password-file", "chunk-size", "range", "shard", "o", "output", "progress", "metrics"],
  decrypt: ["password-file"],
  bench: ["patients", "format", "large", "quick"],
  report: ["json"],
};
const BOOLEAN = new Set(["encrypt", "large", "quick", "json"]);

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

async function writeAll(stream, chunk) {
  if (!stream.write(chunk)) await new Promise((resolve, reject) => {
    stream.once("drain", resolve);
    stream.once("error", reject);
  });
}

async function generate(argv) {
  const { flags, positional } = parseArgs(argv, "generate");
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  if (flags.config && flags.preset) throw new UsageError("--config and --preset cannot be used together");
  if (flags.range && flags.shard) throw new UsageError("--range and --shard cannot be used together");
  const config = flags.config ? readText(flags.config) : flags.preset ? JSON.stringify({ preset: flags.preset }) : "{}";
  const options = {
    format: flags.format ?? "ndjson",
    compression: flags.compress ?? "none",
  };
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
  if (flags.encrypt) options.encryption = { password: password(flags), deriveKey: "core" };
  const gen = new Generator(config, options);
  const c0 = gen.counters;
  console.error(`patientgen (wasm): ${c0.totalPatients} patients, seed ${gen.seed}, format ${options.format}`);
  const toStdout = flags.o === undefined || flags.o === "-";
  const out = toStdout ? process.stdout : createWriteStream(flags.o);
  const progress = flags.progress === "always" || (flags.progress !== "never" && process.stderr.isTTY);
  let lastReport = 0;
  try {
    for (let chunk = gen.nextChunk(); chunk !== undefined; chunk = gen.nextChunk()) {
      await writeAll(out, chunk);
      if (progress && Date.now() - lastReport > 250) {
        lastReport = Date.now();
        const c = gen.counters;
        process.stderr.write(`\r${c.patientsGenerated}/${c.totalPatients} patients  ${Math.round(c.patientsPerSecond)}/s   `);
      }
    }
    if (!toStdout) await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  } catch (e) {
    const err = new Error(`writing ${toStdout ? "stdout" : flags.o}: ${e.message}`);
    err.exitCode = EXIT_IO;
    throw err;
  }
  if (progress) {
    const c = gen.counters;
    process.stderr.write(`\n${c.patientsGenerated} patients in ${(c.elapsedMs / 1000).toFixed(2)} s (${Math.round(c.patientsPerSecond)} patients/s)\n`);
  }
  if (flags.metrics) {
    try {
      (await import("node:fs")).writeFileSync(flags.metrics, gen.metrics());
    } catch (e) {
      const err = new Error(`writing ${flags.metrics}: ${e.message}`);
      err.exitCode = EXIT_IO;
      throw err;
    }
  }
}

function validate(argv) {
  const { positional } = parseArgs(argv, "validate");
  if (positional.length !== 1) throw new UsageError("validate needs exactly one FILE");
  const resolved = validateConfig(readText(positional[0]));
  console.log(JSON.stringify(resolved, null, 2));
}

function listPresets() {
  // The native CLI's table, column for column.
  const row = (id, name, patients, days, types) =>
    `${id.padEnd(20)} ${name.padEnd(34)} ${String(patients).padStart(8)} ${String(days).padStart(5)}  ${types}`;
  console.log(row("id", "name", "patients", "days", "warfare types"));
  for (const p of presets()) console.log(row(p.id, p.name, p.total_patients, p.days_of_fighting, p.warfare_types.join(",")));
}

async function decrypt(argv) {
  const { flags, positional } = parseArgs(argv, "decrypt");
  if (positional.length !== 2) throw new UsageError("decrypt needs IN and OUT");
  const pw = password(flags);
  const input = Readable.toWeb(positional[0] === "-" ? process.stdin : createReadStream(positional[0]));
  const output = Writable.toWeb(positional[1] === "-" ? process.stdout : createWriteStream(positional[1]));
  await input.pipeThrough(decryptStream(pw)).pipeTo(output);
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
  await writeAll(process.stdout, text);
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
      console.log(USAGE);
      return;
    case "--version":
    case "-V":
      console.log("patientgen (wasm)");
      return;
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
