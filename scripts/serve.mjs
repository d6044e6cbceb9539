#!/usr/bin/env node
// A small static file server for the web page (www/) and the npm package it imports (js/, pkg/).
// Serves the repository root; `/` redirects to `/www/`. Usage: node scripts/serve.mjs [--port N] [--host H]
// (port 0 picks a free one). Prints the page URL on stdout once listening.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/** Starts the server on `root`; resolves to the http.Server once listening. */
export function serve({ root = resolve(import.meta.dirname, ".."), port = 8080, host = "127.0.0.1" } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (url.pathname === "/" || url.pathname === "/www") {
        res.writeHead(302, { location: "/www/" }).end();
        return;
      }
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      const inside = path === base || path.startsWith(base + sep);
      if (!inside || path.slice(base.length).split(sep).some((part) => part.startsWith("."))) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(path).catch(() => null);
      if (info?.isDirectory()) {
        path = join(path, "index.html");
        info = await stat(path).catch(() => null);
      }
      if (!info?.isFile()) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
        return;
      }
      res.writeHead(200, {
        "content-type": MIME[extname(path).toLowerCase()] ?? "application/octet-stream",
        "content-length": info.size,
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(path).pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
  };
  const host = arg("--host", "127.0.0.1");
  const server = await serve({ port: Number(arg("--port", process.env.PORT ?? 8080)), host });
  console.log(`patientgen page: http://${host}:${server.address().port}/www/`);
}
