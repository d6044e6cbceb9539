// The documentation stays inside the repository: every relative link of the Markdown documents
// (README.md, CHANGELOG.md, SECURITY.md, docs/, examples/, edge/, ops/, www/) resolves to a file of
// the repository, and its #anchor to a heading of that file; every repository path a document
// names exists; no document refers to a file outside the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(import.meta.dirname, "../..");

function markdownFiles() {
  const out = ["README.md", "CHANGELOG.md", "SECURITY.md"].map((f) => join(root, f));
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) out.push(p);
    }
  };
  for (const d of ["docs", "examples", "edge", "ops", "www"]) walk(join(root, d));
  return out;
}

/** GitHub's heading anchors of a Markdown file. */
function anchors(file) {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const seen = new Map();
  const out = new Set();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

const inside = (p) => p === root || p.startsWith(root + sep);
const files = markdownFiles();

test("the documents exist and there are enough of them to check", () => {
  for (const f of ["docs/SCENARIO.md", "docs/FIELDS.md", "docs/OUTPUT.md", "docs/MODEL.md", "examples/README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.ok(existsSync(join(root, f)), f);
  }
  assert.ok(files.length >= 14, `${files.length} files`);
});

test("every relative link resolves to a file inside the repository, and its anchor to a heading", () => {
  const problems = [];
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    const links = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]);
    for (const link of links) {
      if (/^(https?|mailto):/.test(link)) continue;
      checked++;
      const where = `${relative(root, file)}: ${link}`;
      const [path, anchor] = link.split("#");
      const target = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!inside(target)) {
        problems.push(`${where} leaves the repository`);
        continue;
      }
      if (!existsSync(target)) {
        problems.push(`${where} does not exist`);
        continue;
      }
      if (anchor !== undefined) {
        if (statSync(target).isDirectory() || !target.endsWith(".md")) problems.push(`${where}: anchor on a non-Markdown target`);
        else if (!anchors(target).has(anchor)) problems.push(`${where}: no heading #${anchor} in ${relative(root, target)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 40, `only ${checked} links checked`);
});

test("no document refers to a file outside the repository", () => {
  const outside = /shared\/|\b(DOMAIN|DESIGN|TOOLCHAIN|STYLE)\.md\b|CLINICAL-ANCHORS|\/work\/|\.\.\/\.\.\/\.\./;
  const problems = [];
  for (const file of files) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (outside.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(problems, []);
});

test("every repository path a document names in backquotes exists", () => {
  const problems = [];
  const top = new Set(readdirSync(root));
  for (const file of files) {
    const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
    for (const m of text.matchAll(/`([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]*[A-Za-z0-9_])`/g)) {
      const p = m[1];
      const first = p.split("/")[0];
      // Only paths rooted at a top-level entry of the repository (src/…, docs/…, tests/…).
      if (!top.has(first) || p.includes("*")) continue;
      if (!existsSync(join(root, p)) && !existsSync(join(dirname(file), p))) problems.push(`${relative(root, file)}: \`${p}\``);
    }
  }
  assert.deepEqual(problems, []);
});
