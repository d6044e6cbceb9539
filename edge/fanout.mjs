#!/usr/bin/env node
// Fetches one dataset from the edge worker as N shards in parallel (`?shard=K/N`) and writes their
// concatenation: the same bytes as one `GET /generate` with the same parameters (docs/OUTPUT.md).
//
//   node edge/fanout.mjs --url http://127.0.0.1:8787 --shards 4 --patients 200000 --seed 42 -o out.ndjson
//
// Options: --url U (default http://127.0.0.1:8787), --shards N (default 4), --patients N, --seed S,
// --preset ID, --format F, --compress none|gzip|zip, --level 1-9, --chunk-size N, --config FILE (a JSON
// scenario, sent with POST), -o FILE (required). Without --seed the script draws one, so every
// shard shares it. With --compress gzip the shards are runs of whole gzip members cut at the
// 1,000-patient grid (docs/OUTPUT.md): their concatenation is byte-identical to the single
// request's gzip. With --compress zip the shards are zip parts (docs/OUTPUT.md, "Merging zip
// shards"): the script merges them with the core's streaming merge (`zipMergePlan`: each part's
// trailer, then its data ranges copied in order) into the single request's archive, byte for byte.
import { createWriteStream } from "node:fs";
import { readFile, rm, open } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { parseRange } from "../js/node.js";
// Initialised by js/node.js on import (one module instance): the core's zip merge plan.
import { zipMergePlan, zipPartTailLength } from "../pkg/patientgen.js";

const USAGE = "usage: node edge/fanout.mjs [--url U] [--shards N] [--patients N] [--seed S] [--preset ID] [--format F] [--compress none|gzip|zip] [--level 1-9] [--chunk-size N] [--config FILE] -o FILE";

function parseArgs(argv) {
  const known = ["url", "shards", "patients", "seed", "preset", "format", "compress", "level", "chunk-size", "config", "o"];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a === "-o" ? "o" : a.startsWith("--") ? a.slice(2) : undefined;
    if (!name || !known.includes(name) || i + 1 >= argv.length) throw new Error(`unexpected argument '${a}'\n${USAGE}`);
    flags[name] = argv[++i];
  }
  if (!flags.o) throw new Error(`-o FILE is required\n${USAGE}`);
  return flags;
}

/** The shard requests' common parameters; draws a seed when none is given. */
function baseQuery(flags) {
  const q = new URLSearchParams();
  for (const [flag, param] of [["preset", "preset"], ["patients", "patients"], ["format", "format"], ["compress", "compress"], ["level", "level"], ["chunk-size", "chunk_size"]]) {
    if (flags[flag] !== undefined) q.set(param, flags[flag]);
  }
  q.set("seed", flags.seed ?? randomBytes(8).readBigUInt64BE().toString());
  return q;
}

/** Reads `length` bytes at `position` of an open file. */
async function readAt(handle, position, length) {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  if (bytesRead !== length) throw new Error(`short read: ${bytesRead} of ${length} bytes at ${position}`);
  return buf;
}

/**
 * The pieces of the merged zip archive of the part files `parts` (in patient order), with the
 * open handles they copy from: only the parts' trailers are read here.
 */
async function zipPlan(parts, names) {
  const handles = [];
  try {
    const tails = [];
    const lengths = [];
    for (const [k, part] of parts.entries()) {
      const handle = await open(part);
      handles.push(handle);
      const { size } = await handle.stat();
      if (size < 12) throw new Error(`${names[k]}: not a patientgen zip part (${size} bytes)`);
      const need = zipPartTailLength(await readAt(handle, size - 12, 12));
      if (need > size) throw new Error(`${names[k]}: not a patientgen zip part: the trailer is truncated`);
      tails.push(await readAt(handle, size - need, need));
      lengths.push(size);
    }
    return { pieces: zipMergePlan(tails, lengths, names), handles };
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
}

/**
 * Fetches `shards` shards in parallel and writes them, in order, to `out`. Each shard streams into
 * a part file beside `out` while it downloads; the parts are then appended in index order (zip
 * parts: merged into one archive, see zipPlan).
 * Returns the response headers' seed, patient count and the file's byte length.
 */
export async function fanout({ url = "http://127.0.0.1:8787", shards = 4, query, body, out }) {
  // One shard covering the whole run is the archive itself; more are zip parts to merge.
  const zip = new URLSearchParams(query).get("compress") === "zip" && shards > 1;
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`--shards must be an integer ≥ 1, got ${shards}`);
  const parts = Array.from({ length: shards }, (_, k) => `${out}.part${k}`);
  const fetchShard = async (k) => {
    const q = new URLSearchParams(query);
    q.set("shard", `${k}/${shards}`);
    const init = body === undefined ? {} : { method: "POST", body, headers: { "Content-Type": "application/json" } };
    const res = await fetch(`${url.replace(/\/+$/, "")}/generate?${q}`, init);
    if (!res.ok) throw new Error(`shard ${k}/${shards}: HTTP ${res.status} ${await res.text()}`);
    await pipeline(Readable.fromWeb(res.body), createWriteStream(parts[k]));
    return { seed: res.headers.get("X-Patientgen-Seed"), range: res.headers.get("X-Patientgen-Range") };
  };
  try {
    const heads = await Promise.all(parts.map((_, k) => fetchShard(k)));
    // The shards must tile [0, N) of one dataset: same seed, contiguous ranges.
    let next = 0;
    let total;
    for (const [k, h] of heads.entries()) {
      // `A..B/N`: the core's range syntax (parseRange), then the run's size.
      const [range, of] = String(h.range).split("/");
      let a;
      let b;
      try {
        [a, b] = parseRange(range);
      } catch {
        a = undefined;
      }
      const n = /^\d+$/.test(of ?? "") ? Number(of) : undefined;
      if (a !== next || n === undefined || (total !== undefined && n !== total) || h.seed !== heads[0].seed) {
        throw new Error(`shard ${k}/${shards} does not continue the previous ones (range ${h.range}, seed ${h.seed})`);
      }
      next = b;
      total = n;
    }
    if (next !== total) throw new Error(`the shards end at ${next}, not at ${total}`);
    // Gzip and plain shards are appended whole; zip parts are merged piece by piece.
    const { pieces, handles } = zip
      ? await zipPlan(parts, parts.map((_, k) => `shard ${k}/${shards}`))
      : { pieces: parts.map((_, k) => [k, 0, Infinity]), handles: await Promise.all(parts.map((p) => open(p))) };
    const file = createWriteStream(out);
    let bytes = 0;
    const write = async (chunk) => {
      bytes += chunk.length;
      if (!file.write(chunk)) await new Promise((resolve) => file.once("drain", resolve));
    };
    try {
      for (const piece of pieces) {
        if (piece instanceof Uint8Array) {
          await write(piece);
          continue;
        }
        const [k, start, end] = piece;
        if (end <= start) continue;
        const opts = end === Infinity ? { start, autoClose: false } : { start, end: end - 1, autoClose: false };
        for await (const chunk of handles[k].createReadStream(opts)) await write(chunk);
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    await new Promise((resolve, reject) => file.end((e) => (e ? reject(e) : resolve())));
    return { seed: heads[0].seed, patients: total, bytes };
  } finally {
    await Promise.all(parts.map((p) => rm(p, { force: true })));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const flags = parseArgs(process.argv.slice(2));
    const body = flags.config ? await readFile(flags.config, "utf8") : undefined;
    const r = await fanout({ url: flags.url, shards: Number(flags.shards ?? 4), query: baseQuery(flags), body, out: flags.o });
    console.error(`${flags.o}: ${r.patients} patients, seed ${r.seed}, ${r.bytes} bytes from ${flags.shards ?? 4} shards`);
  } catch (e) {
    console.error(`fanout: ${e.message}`);
    process.exit(1);
  }
}
