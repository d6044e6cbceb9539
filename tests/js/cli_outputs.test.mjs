// `npx patientgen` and the native CLI write the same files the same safe way (issue #15):
// CSV text cells that a spreadsheet would run as a formula are neutralised (`--csv-raw` keeps
// them), and `-o FILE` replaces FILE only once the run is complete, leaving no temporary file.
// Run by scripts/test.sh after the wasm build (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Generator } from "../../js/node.js";

const root = resolve(import.meta.dirname, "../..");
const native = join(root, "target/release/patientgen");
const npxBin = join(root, "js/cli.js");

const SCENARIO = {
  total_patients: 200,
  front_configs: [
    { name: '=HYPERLINK("http://evil","x")', nationality_distribution: [{ nationality_code: "POL", percentage: 1 }] },
    { name: "+cmd|' /C calc'!A0", nationality_distribution: [{ nationality_code: "DEU", percentage: 1 }] },
    { name: "@SUM(A1:A9)", nationality_distribution: [{ nationality_code: "FRA", percentage: 1 }] },
  ],
};

test("JS csv output neutralises formula-like front names; csvRaw keeps them", () => {
  const run = (options) => {
    const g = new Generator(SCENARIO, { seed: 4, format: "csv", ...options });
    const parts = [];
    for (let c = g.nextChunk(); c !== undefined; c = g.nextChunk()) parts.push(Buffer.from(c));
    return Buffer.concat(parts).toString("utf8");
  };
  const safe = run({});
  assert.ok(safe.includes(`"'=HYPERLINK(""http://evil"",""x"")"`), "neutralised and quoted");
  assert.ok(safe.includes(`"'@SUM(A1:A9)"`));
  assert.ok(!/(^|,)[=+@]/m.test(safe), "no cell starts with a formula character");
  const raw = run({ csvRaw: true });
  assert.ok(raw.includes(`,@SUM(A1:A9),`));
  assert.throws(() => new Generator(SCENARIO, { format: "csv", csvRaw: "yes" }), (e) => e.name === "ConfigError");
});

test("native and npx write identical csv, neutralised or raw, and replace -o FILE atomically", { skip: !existsSync(native) && "no native release build" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-cli-outputs-"));
  try {
    const cfg = join(dir, "scenario.json");
    writeFileSync(cfg, JSON.stringify(SCENARIO));
    for (const extra of [[], ["--csv-raw"]]) {
      const outs = {};
      for (const [who, cmd, pre] of [["native", native, []], ["npx", process.execPath, [npxBin]]]) {
        const out = join(dir, `${who}.csv`);
        writeFileSync(out, "an earlier output\n");
        const r = spawnSync(cmd, [...pre, "generate", "--config", cfg, "--seed", "4", "--format", "csv", "--progress", "never", ...extra, "-o", out], { encoding: "utf8" });
        assert.equal(r.status, 0, `${who}: ${r.stderr}`);
        outs[who] = readFileSync(out);
      }
      assert.ok(outs.native.equals(outs.npx), `identical ${extra.join(" ") || "neutralised"} csv`);
    }
    // A symlink as -o: the target is replaced, the link is kept.
    const target = join(dir, "target.ndjson");
    symlinkSync(target, join(dir, "link.ndjson"));
    const r = spawnSync(process.execPath, [npxBin, "generate", "--patients", "20", "--seed", "1", "--progress", "never", "-o", join(dir, "link.ndjson")]);
    assert.equal(r.status, 0, String(r.stderr));
    assert.equal(readFileSync(target, "utf8").split("\n").length, 21);
    // An invalid run leaves OUT untouched.
    writeFileSync(join(dir, "keep.ndjson"), "keep\n");
    const bad = spawnSync(process.execPath, [npxBin, "generate", "--patients", "10", "--range", "5..20", "-o", join(dir, "keep.ndjson")]);
    assert.equal(bad.status, 1);
    assert.equal(readFileSync(join(dir, "keep.ndjson"), "utf8"), "keep\n");
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes("partial")),
      [],
      "no temporary file is left behind",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
