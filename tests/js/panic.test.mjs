// A panic in the wasm (there must be none) reaches JavaScript with its message (issue: panic hook).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

test("a Rust panic becomes a RuntimeError and lastPanic() says why", async () => {
  // A fresh instance: a panicked instance must not be reused.
  const wasm = await import(`../../pkg/patientgen.js?panic=${Date.now()}`);
  wasm.initSync({ module: readFileSync(new URL("../../pkg/patientgen_bg.wasm", import.meta.url)) });
  assert.equal(wasm.lastPanic(), undefined);
  const { makeApi } = await import("../../js/generator.js");
  const api = makeApi(wasm);
  assert.throws(() => wasm.__panicForTest(), (e) => e instanceof WebAssembly.RuntimeError);
  assert.match(wasm.lastPanic(), /deliberate panic for the panic-hook test/);
  // The package's error translation turns it into an Error carrying the panic message.
  assert.throws(
    () => api.translateForTest(new WebAssembly.RuntimeError("unreachable")),
    /patientgen internal error: [^]*deliberate panic/,
  );
});
