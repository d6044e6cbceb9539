// The JSON editor and the scenario's errors: the generator's own validation of the editor's text,
// each error shown at the form element its path names and, for typed or imported text, marked in
// the editor where the user made it (json-positions.js maps a path to its place in the text).

import { $, state } from "./state.js";
import { PATH_ALIAS, isObject } from "./scenario.js";
import { setText } from "./form.js";
import { updateFileName, updateRunControls } from "./output.js";
import { validateConfig } from "../js/browser.js";
import { errorRange, jsonTree, lineOf } from "./json-positions.js";

export function validate() {
  state.errors = [];
  state.resolved = null;
  try {
    state.obj = JSON.parse(state.text);
    if (!isObject(state.obj)) state.obj = null;
  } catch {
    state.obj = null;
  }
  try {
    state.resolved = validateConfig(state.text);
  } catch (e) {
    state.errors = Array.isArray(e?.errors) ? e.errors : [{ path: "", message: String(e?.message ?? e) }];
  }
  showErrors();
  updateRunControls();
  updateFileName();
}

export function pathElements() {
  const map = new Map();
  for (const el of document.querySelectorAll("[data-path]")) map.set(el.dataset.path, el);
  return map;
}

export function normalisePath(path) {
  let p = path.replace(/^configuration\./, "");
  const m = /^([A-Za-z_]+)(.*)$/.exec(p);
  if (m && PATH_ALIAS[m[1]]) p = PATH_ALIAS[m[1]] + m[2];
  return p;
}

/** The element an error path belongs to: the longest path prefix that names a form element. */
export function elementForPath(path, map) {
  let p = normalisePath(path);
  while (p) {
    const el = map.get(p);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

export function errorBox(el) {
  const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/);
  const id = ids.find((x) => x.endsWith("-error"));
  return id ? $(id) : null;
}

export function showErrors() {
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    if (el.id !== "o-password") el.removeAttribute("aria-invalid");
  }
  for (const el of document.querySelectorAll(".has-error")) el.classList.remove("has-error");
  for (const el of document.querySelectorAll(".field-error")) {
    if (el.id !== "o-password-error") el.textContent = "";
  }
  const map = pathElements();
  const fromText = state.source !== "form";
  const tree = state.errors.length ? jsonTree(state.text) : null;
  const inEditor = [];
  for (const err of state.errors) {
    const el = err.path === "" ? null : elementForPath(err.path, map);
    const box = el && errorBox(el);
    const mapped = el && box && el.id !== "json-wrap";
    if (mapped) {
      const line = document.createElement("span");
      line.textContent = `${err.path}: ${err.message}`;
      box.append(line);
      if (el.matches("input, select, textarea")) el.setAttribute("aria-invalid", "true");
      else el.classList.add("has-error");
    }
    // Editor and imported text: every error is also shown at the editor, at its place in the text.
    if (!mapped || fromText) inEditor.push({ ...err, range: errorRange(state.text, err, tree) });
  }
  const jsonBox = $("json-error");
  const marks = [];
  if (inEditor.length) {
    const ul = document.createElement("ul");
    ul.className = "json-errors";
    for (const err of inEditor) {
      const li = document.createElement("li");
      const text = err.path ? `${err.path}: ${err.message}` : err.message;
      if (err.range) {
        marks.push(err.range);
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = `Line ${lineOf(state.text, err.range[0])}`;
        b.setAttribute("aria-label", `Line ${lineOf(state.text, err.range[0])}: select it in the editor`);
        b.addEventListener("click", () => selectInEditor(err.range));
        li.append(b, ` — ${text}`);
      } else {
        li.textContent = text;
      }
      ul.append(li);
    }
    jsonBox.append(ul);
    $("json").setAttribute("aria-invalid", "true");
  }
  state.marks = marks;
  drawEditorMarks();
}

/** Selects a range of the JSON editor and scrolls it into view. */
export function selectInEditor([a, b]) {
  const ta = $("json");
  ta.focus({ preventScroll: true });
  ta.setSelectionRange(a, b);
  // Scroll the textarea to the range's line: a selection set by script is not always revealed.
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  const line = lineOf(state.text, a) - 1;
  if (line * lh < ta.scrollTop || (line + 1) * lh > ta.scrollTop + ta.clientHeight) ta.scrollTop = Math.max(0, (line - 2) * lh);
  ta.scrollIntoView({ block: "nearest" });
  syncEditorScroll();
}

/** The backdrop behind the editor: the text (transparent) with each error's range marked. */
export function drawEditorMarks() {
  const host = $("json-marks");
  const ranges = [...(state.marks ?? [])].sort((x, y) => x[0] - y[0]);
  if (ranges.length === 0) {
    host.replaceChildren();
    return;
  }
  const text = state.text;
  const parts = [];
  let at = 0;
  for (const [a0, b] of ranges) {
    const a = Math.max(a0, at);
    if (b <= a) continue;
    parts.push(text.slice(at, a));
    const m = document.createElement("mark");
    m.textContent = text.slice(a, b);
    parts.push(m);
    at = b;
  }
  parts.push(`${text.slice(at)}\n `);
  host.replaceChildren(...parts);
  syncEditorScroll();
}

export function syncEditorScroll() {
  const ta = $("json");
  $("json-marks").style.transform = `translate(${-ta.scrollLeft}px, ${-ta.scrollTop}px)`;
}

/** Wires the JSON editor: typing re-validates after a pause (or on blur); the marks follow its scroll. */
export function wireEditor() {
  let jsonTimer = 0;
  const jsonEdited = () => {
    clearTimeout(jsonTimer);
    if ($("json").value !== state.text) setText($("json").value, true, "editor");
  };
  $("json").addEventListener("input", () => {
    $("json-marks").replaceChildren(); // the marks no longer line up with the text being typed
    clearTimeout(jsonTimer);
    jsonTimer = setTimeout(jsonEdited, 300);
  });
  $("json").addEventListener("blur", jsonEdited);
  $("json").addEventListener("scroll", syncEditorScroll, { passive: true });
}
