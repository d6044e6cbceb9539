// The edge worker's request handler (edge/README.md), independent of the runtime: `makeHandler(pg)`
// takes an initialised patientgen package entry (workerd, Deno, Node) and returns a module worker
// `{ fetch(request, env, ctx) }`. The metrics accumulator (the package's `MetricsRegistry`: the core's
// exposition, src/metrics.rs) lives in the handler, so one handler made at module scope counts every
// request of its isolate. This file only reports events to it; it computes and renders no metric.
// The range/shard syntax, the shard formula, the file name and the content type are the core's
// (src/options.rs, through the package's `parseShard`, `parseRange`, `Generator.range`,
// `Generator.fileName`, `Generator.contentType`).

const QUERY_PARAMETERS = ["preset", "patients", "seed", "format", "compress", "level", "chunk_size", "shard", "range"];
const MAX_TOTAL_PATIENTS = 2n ** 40n;
const MAX_SEED = 2n ** 64n - 1n;
const MAX_CHUNK_SIZE = 2n ** 32n - 1n;
/** Patients one request may produce when the `MAX_PATIENTS` binding is absent. */
export const DEFAULT_MAX_PATIENTS = 1_000_000;
/** Largest accepted POST body (a scenario is a few kilobytes). */
export const MAX_BODY_BYTES = 1 << 20;

/** A 400 problem: the response body is `{errors: [{path, message}]}`. */
class RequestError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; "));
    this.status = status;
    this.errors = errors;
  }
}

const problem = (path, message) => new RequestError(400, [{ path, message }]);

function json(status, value, headers = {}) {
  return new Response(JSON.stringify(value) + "\n", {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** Run options and the preset from the query string; every problem is reported under its parameter name. */
function parseQuery(url, pg) {
  const FORMATS = pg.formats();
  const COMPRESSIONS = pg.compressions();
  const params = url.searchParams;
  const errors = [];
  const fail = (path, message) => {
    errors.push({ path, message });
    return undefined;
  };
  const seen = new Set();
  for (const name of params.keys()) {
    if (!QUERY_PARAMETERS.includes(name)) fail(name, `unknown parameter; accepted: ${QUERY_PARAMETERS.join(", ")}`);
    else if (seen.has(name)) fail(name, "given more than once");
    seen.add(name);
  }
  const unsigned = (name, { min = 0n, max }) => {
    const v = params.get(name);
    if (v === null) return undefined;
    if (!/^\d{1,20}$/.test(v)) return fail(name, `must be a non-negative integer, got "${v}"`);
    const n = BigInt(v);
    if (n < min || n > max) return fail(name, `must be between ${min} and ${max}, got ${v}`);
    return n;
  };
  const options = { format: "ndjson", compression: "none" };
  const format = params.get("format");
  if (format !== null) {
    if (FORMATS.includes(format)) options.format = format;
    else fail("format", `unknown format "${format}"; use ${FORMATS.join(", ")}`);
  }
  const compress = params.get("compress");
  if (compress !== null) {
    if (COMPRESSIONS.includes(compress)) options.compression = compress;
    else fail("compress", `unknown compression "${compress}"; use ${COMPRESSIONS.join(", ")}`);
  }
  const level = unsigned("level", { min: 1n, max: 9n });
  if (level !== undefined) options.compressionLevel = Number(level);
  const patients = unsigned("patients", { min: 1n, max: MAX_TOTAL_PATIENTS });
  if (patients !== undefined) options.patients = Number(patients);
  const seed = unsigned("seed", { max: MAX_SEED });
  if (seed !== undefined) options.seed = seed.toString();
  const chunkSize = unsigned("chunk_size", { min: 1n, max: MAX_CHUNK_SIZE });
  if (chunkSize !== undefined) options.chunkSize = Number(chunkSize);
  const shard = params.get("shard");
  const range = params.get("range");
  if (shard !== null && range !== null) fail("range", "cannot be used together with shard");
  else {
    // The core's syntax (the CLI's --shard K/N and --range A..B).
    const core = (name, text, parse) => {
      try {
        options[name] = parse(text);
      } catch (e) {
        if (!(e instanceof pg.ConfigError)) throw e;
        for (const x of e.errors) fail(name, x.message);
      }
    };
    if (shard !== null) core("shard", shard, pg.parseShard);
    else if (range !== null) core("range", range, pg.parseRange);
  }
  if (errors.length) throw new RequestError(400, errors);
  const preset = params.get("preset");
  return { options, preset: preset === null ? undefined : preset };
}

/** The scenario of a POST: a JSON object, at most MAX_BODY_BYTES. */
async function readScenario(request) {
  const tooLarge = () => new RequestError(413, [{ path: "", message: `request body over ${MAX_BODY_BYTES} bytes` }]);
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  // Read at most MAX_BODY_BYTES, whatever the headers say.
  const parts = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      parts.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw problem("", "the body is not UTF-8");
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw problem("", `invalid JSON: ${e.message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw problem("", "the scenario must be a JSON object");
  }
  return value;
}

/**
 * Whether an `Accept-Encoding` header accepts gzip (RFC 9110 §12.5.3: `gzip` or `*` with a
 * non-zero weight; an explicit `gzip;q=0` refuses it).
 */
export function acceptsGzip(header) {
  if (!header) return false;
  let star = false;
  for (const item of header.split(",")) {
    const [coding, ...params] = item.trim().toLowerCase().split(";").map((x) => x.trim());
    const q = params.find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (coding === "gzip" || coding === "x-gzip") return weight > 0;
    if (coding === "*") star = weight > 0;
  }
  return star;
}

/** The option name the engine reports, as the query parameter it came from. */
function queryPath(path) {
  const names = { compression: "compress", compressionLevel: "level", chunkSize: "chunk_size", "shard.index": "shard", "shard.count": "shard" };
  return names[path] ?? (path.startsWith("range[") ? "range" : path);
}

/** Makes the worker over an initialised package entry (`{Generator, ConfigError, validateConfig, presets, MetricsRegistry}`). */
export function makeHandler(pg, { now = () => (globalThis.performance ? performance.now() : Date.now()) } = {}) {
  const { Generator, ConfigError, validateConfig, presets, MetricsRegistry } = pg;
  const metrics = new MetricsRegistry();
  const presetList = JSON.stringify(presets()) + "\n";

  function cap(env) {
    const raw = env?.MAX_PATIENTS;
    if (raw === undefined || raw === null || raw === "") return DEFAULT_MAX_PATIENTS;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_MAX_PATIENTS;
  }

  /**
   * Builds the run; throws RequestError for anything the client got wrong. `encoding: "gzip"`
   * (negotiated for uncompressed output) compresses the body with the core's gzip (the same
   * members as `compress=gzip`) while the type and file name stay the format's.
   */
  function prepare(scenario, query, env, encoding) {
    const { options } = query;
    let resolved;
    let gen;
    try {
      resolved = validateConfig(scenario);
      gen = new Generator(scenario, options);
    } catch (e) {
      if (e instanceof ConfigError || e?.name === "ConfigError") {
        const errors = e.errors.map(({ path, message }) => ({
          path: resolved ? queryPath(path) : path,
          message,
        }));
        throw new RequestError(400, errors);
      }
      throw e;
    }
    const count = gen.counters.totalPatients;
    const limit = cap(env);
    if (count > limit) {
      gen.free();
      throw new RequestError(413, [
        { path: "patients", message: `${count} patients requested; this worker serves at most ${limit} per request (use shard=K/N or range=A..B)` },
      ]);
    }
    const total = options.patients ?? resolved.total_patients;
    // The type and file name stay the format's when the body is gzip-encoded for transport.
    const { fileName, contentType } = gen;
    if (encoding === "gzip") {
      const seed = gen.seed;
      gen.free();
      gen = new Generator(scenario, { ...options, seed, compression: "gzip" });
    }
    return { gen, total, count, start: gen.range[0], fileName, contentType };
  }

  /**
   * The response body: pulls one chunk from the generator per read, counting it in the metrics.
   * The run counts as active from here until the body completes, fails or is cancelled; then the
   * generator is freed at once. Left to garbage collection, each finished run kept its engine's
   * chunk buffer (about 1 MiB) in the isolate's WebAssembly memory: 60 small requests in a row grew
   * it from 1.4 to 67 MiB (`patientgen_wasm_memory_bytes`).
   */
  function body(gen, format) {
    const reader = gen.readable().getReader();
    let finished = false;
    const finish = () => {
      if (!finished) metrics.runFinished();
      finished = true;
    };
    metrics.runStarted();
    return new ReadableStream(
      {
        async pull(controller) {
          const t0 = now();
          let r;
          try {
            r = await reader.read();
          } catch (e) {
            if (!finished) metrics.observeError("internal");
            finish();
            gen.free();
            controller.error(e);
            return;
          }
          if (r.done) {
            finish();
            gen.free();
            controller.close();
            return;
          }
          const seconds = Math.max(0, now() - t0) / 1000;
          // The core's report of this chunk (what it held, per stage).
          const c = gen.lastChunk;
          metrics.observeChunk(format, c.patients, c.serialized, c.output, seconds);
          controller.enqueue(r.value);
        },
        async cancel(reason) {
          if (!finished) metrics.observeError("cancelled");
          finish();
          await reader.cancel(reason);
          gen.free();
        },
      },
      { highWaterMark: 0 },
    );
  }

  async function generate(request, url, env) {
    const query = parseQuery(url, pg);
    let scenario = {};
    if (request.method === "POST") {
      scenario = await readScenario(request);
      query.post = true;
      if (query.preset !== undefined) {
        if (scenario.preset !== undefined && scenario.preset !== query.preset) {
          throw problem("preset", "given both in the query and in the body, with different values");
        }
        scenario = { ...scenario, preset: query.preset };
      }
    } else if (query.preset !== undefined) {
      scenario = { preset: query.preset };
    }
    const encoding = query.options.compression === "none" && acceptsGzip(request.headers.get("Accept-Encoding")) ? "gzip" : undefined;
    const run = prepare(scenario, query, env, encoding);
    const headers = {
      ...(encoding ? { "Content-Encoding": encoding } : {}),
      Vary: "Accept-Encoding",
      "Content-Type": run.contentType,
      "Content-Disposition": `attachment; filename="${run.fileName}"`,
      "X-Patientgen-Seed": run.gen.seed,
      "X-Patientgen-Patients": String(run.count),
      "X-Patientgen-Range": `${run.start}..${run.start + run.count}/${run.total}`,
      "Cache-Control": "no-store",
    };
    if (request.method === "HEAD") {
      // The headers only: the generator was set up for them and produces no chunk.
      run.gen.free();
      return new Response(null, { status: 200, headers });
    }
    // A gzip body is encoded already: workerd must pass it through, not encode it again.
    return new Response(body(run.gen, query.options.format), {
      status: 200,
      encodeBody: encoding ? "manual" : "automatic",
      headers,
    });
  }

  function routeFor(request, url, env) {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const only = (methods, handle) => {
      // HEAD is answered like GET (without a body), OPTIONS as a CORS preflight.
      const allowed = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
      if (request.method === "OPTIONS") return preflight(allowed);
      if (methods.includes(request.method) || (request.method === "HEAD" && methods.includes("GET"))) return handle();
      metrics.observeRejection(405);
      return json(405, { errors: [{ path: "", message: `method ${request.method} not allowed on ${path}` }] }, { Allow: allowed });
    };
    switch (path) {
      case "/generate":
        return only(["GET", "POST"], () => generate(request, url, env));
      case "/metrics":
        return only(["GET"], () =>
          new Response(metrics.render(), {
            headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" },
          }),
        );
      case "/presets":
        return only(["GET"], () => new Response(presetList, { headers: { "Content-Type": "application/json; charset=utf-8" } }));
      case "/health":
        return only(["GET"], () => json(200, { status: "ok" }));
      default:
        metrics.observeRejection(404);
        return json(404, { errors: [{ path: "", message: `no route ${path}; try /generate, /presets, /metrics or /health` }] });
    }
  }

  const inner = {
    async fetch(request, env = {}, _ctx) {
      const url = new URL(request.url);
      try {
        return await routeFor(request, url, env);
      } catch (e) {
        if (e instanceof RequestError) {
          metrics.observeError("config_invalid");
          metrics.observeRejection(e.status);
          return json(e.status, { errors: e.errors });
        }
        metrics.observeError("internal");
        return json(500, { errors: [{ path: "", message: String(e?.message ?? e) }] });
      }
    },
  };

  return {
    /** The module worker's fetch handler: the routes, with CORS headers and HEAD bodies dropped. */
    async fetch(request, env = {}, ctx) {
      return withCors(await inner.fetch(request, env, ctx), request, env);
    },
    /** The isolate's accumulated metrics, a `MetricsRegistry` (for tests and embedding). */
    metrics,
  };
}

// ---- CORS ------------------------------------------------------------------------------------

/** Allowed origin when the `CORS_ORIGIN` binding is absent: any (the data is synthetic and public). */
export const DEFAULT_CORS_ORIGIN = "*";
/** How long a browser may cache a preflight, in seconds: Chromium's upper limit (2 h). */
export const CORS_MAX_AGE = 7200;
const EXPOSED_HEADERS = "Content-Disposition, X-Patientgen-Seed, X-Patientgen-Patients, X-Patientgen-Range";

/** A 204 answer to an OPTIONS request (CORS preflight); `allowed` lists the path's methods. */
function preflight(allowed) {
  return new Response(null, {
    status: 204,
    headers: {
      Allow: allowed,
      "Access-Control-Allow-Methods": allowed,
      "Access-Control-Allow-Headers": "Content-Type",
      "Access-Control-Max-Age": String(CORS_MAX_AGE),
    },
  });
}

/**
 * The `Access-Control-Allow-Origin` value for a request: `CORS_ORIGIN` is `*` (any origin, the
 * default), a comma-separated list of origins (the request's `Origin` when listed, else none) or
 * empty / `none` (no CORS headers).
 */
export function allowedOrigin(request, env) {
  const setting = String(env?.CORS_ORIGIN ?? DEFAULT_CORS_ORIGIN).trim();
  if (setting === "" || setting === "none") return null;
  if (setting === "*") return "*";
  const origin = request.headers.get("Origin");
  return origin !== null && setting.split(",").map((s) => s.trim()).includes(origin) ? origin : null;
}

/** The response with the CORS headers for this request added (and no body for a HEAD request). */
function withCors(response, request, env) {
  const origin = allowedOrigin(request, env);
  const setting = String(env?.CORS_ORIGIN ?? DEFAULT_CORS_ORIGIN).trim();
  const apply = (headers) => {
    // A list answers differently per Origin: caches must key on it.
    if (setting !== "*" && setting !== "" && setting !== "none") headers.append("Vary", "Origin");
    if (origin !== null) {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    } else if (request.method === "OPTIONS" && response.status === 204) {
      for (const h of ["Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"]) headers.delete(h);
    }
    return headers;
  };
  if (request.method !== "HEAD") {
    // In place: a copied Response would drop `encodeBody: "manual"`, and workerd would gzip a body
    // the core has gzipped already (Accept-Encoding: gzip) a second time.
    try {
      apply(response.headers);
      return response;
    } catch {
      // immutable headers: copied below
    }
  }
  const body = request.method === "HEAD" ? null : response.body;
  const headers = apply(new Headers(response.headers));
  const init = { status: response.status, statusText: response.statusText, headers };
  // A Content-Encoding set here is the core's gzip already: workerd must not encode it again.
  if (headers.has("Content-Encoding")) init.encodeBody = "manual";
  return new Response(body, init);
}
