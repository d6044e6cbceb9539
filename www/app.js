// The patientgen web page (DESIGN.md §3.4): scenario form + JSON editor, generation in Web Workers,
// live counters and charts, a preview of the first patients. Plain ES module, no build step.
import init, {
  Generator,
  validateConfig,
  presets as listPresets,
  mergeCalibrations,
  calibrationFigures,
} from "../js/browser.js";
import { drawBars, drawDays } from "./charts.js";
import { errorRange, jsonTree, lineOf } from "./json-positions.js";

const $ = (id) => document.getElementById(id);

// Canonical orders (DOMAIN.md §3.1.1, §3.1.5, §2.2, §7.1).
const WARFARE = ["conventional", "artillery", "urban", "guerrilla", "drone", "naval", "cbrn", "peacekeeping"];
const SPECIAL = ["mass_casualty", "ambush", "major_offensive"];
const ENVIRONMENT = [
  "rain",
  "fog",
  "storm",
  "extreme_heat",
  "extreme_cold",
  "dust_storm",
  "night_operations",
  "mountainous_terrain",
  "urban_debris",
];
const INJURY = ["Battle Injury", "Non-Battle Injury", "Disease"];
const NATIONS = {
  ALB: "Albania", BEL: "Belgium", BGR: "Bulgaria", CAN: "Canada", HRV: "Croatia", CZE: "Czechia", DNK: "Denmark",
  EST: "Estonia", FIN: "Finland", FRA: "France", DEU: "Germany", GRC: "Greece", HUN: "Hungary", ISL: "Iceland",
  ITA: "Italy", LVA: "Latvia", LTU: "Lithuania", LUX: "Luxembourg", MNE: "Montenegro", NLD: "Netherlands",
  MKD: "North Macedonia", NOR: "Norway", POL: "Poland", PRT: "Portugal", ROU: "Romania", SVK: "Slovakia",
  SVN: "Slovenia", ESP: "Spain", SWE: "Sweden", TUR: "Türkiye", GBR: "United Kingdom", USA: "United States",
  AUS: "Australia", NZL: "New Zealand",
};
// Labels that are not the key with its first letter capitalised.
const LABELS = { cbrn: "CBRN" };
const label = (k) => LABELS[k] ?? k.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

// Scenario keys the form edits, with the aliases that name the same value (DOMAIN.md §2.1, §2.2).
const ALIASES = {
  total_patients: ["count"],
  days_of_fighting: ["duration_days"],
  warfare_types: ["warfare_type"],
  injury_mix: ["injury_distribution"],
  front_configs: ["fronts"],
  intensity: [],
  tempo: [],
  base_date: [],
  flow_model: [],
  evacuation_capability: [],
  seed: [],
  special_events: [],
  environmental_conditions: [],
  demographics: [],
};
// Error paths naming an alias are shown at the canonical key's field.
const PATH_ALIAS = {
  count: "total_patients",
  duration_days: "days_of_fighting",
  warfare_type: "warfare_types",
  injury_distribution: "injury_mix",
  fronts: "front_configs",
  difficulty: "intensity",
};

const UNCOMPRESSED_CHUNK_BYTES = 2 << 20; // per chunk of a shard worker
const SHARD_CREDITS = 8; // chunks a shard worker may hold ahead of the writer
const PREVIEW_COUNT = 50;
// Runs whose output is expected above this size ask for persistent storage first (browser storage
// that is not persistent may be evicted under storage pressure).
const PERSIST_ABOVE_BYTES = 100e6;

const state = {
  module: null, // compiled WebAssembly.Module, shared with the workers
  presets: [],
  text: "{}",
  obj: {}, // parsed scenario (null when the text is not a JSON object)
  resolved: null, // resolved configuration when valid
  errors: [],
  source: "form", // where the current text came from: "form", "editor" or "import"
  pendingSeed: null, // the seed an empty seed field stands for (written into the scenario at Generate)
  message: { text: "Loading the generator…", kind: "" }, // the last event shown in the status line
  probe: null, // {key, bytesPerPatient} of the chosen format, measured by the preview worker
  storage: null, // last navigator.storage.estimate() result
  fronts: [], // form model: [{id, name, rate, nations: [{code, pct}]}]
  run: null,
  previewWorker: null,
  previewId: 0,
  previewTimer: 0,
  urls: [],
};

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Raw scenario access: a key may sit at top level or under `configuration`, possibly as an alias.

function rawGet(obj, key) {
  if (!isObject(obj)) return undefined;
  const names = [key, ...(ALIASES[key] ?? [])];
  for (const level of [obj, isObject(obj.configuration) ? obj.configuration : null]) {
    if (!level) continue;
    for (const n of names) if (Object.hasOwn(level, n)) return level[n];
  }
  return undefined;
}

function rawSet(obj, key, value) {
  const names = [key, ...(ALIASES[key] ?? [])];
  let level = obj;
  if (key !== "total_patients" && key !== "seed" && isObject(obj.configuration)) {
    const nested = obj.configuration;
    if (names.some((n) => Object.hasOwn(nested, n)) && !names.some((n) => Object.hasOwn(obj, n))) level = nested;
  }
  for (const a of ALIASES[key] ?? []) delete level[a];
  if (value === undefined) delete level[key];
  else level[key] = value;
}

// ---------------------------------------------------------------------------------------------
// Validation and errors

function validate() {
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

function pathElements() {
  const map = new Map();
  for (const el of document.querySelectorAll("[data-path]")) map.set(el.dataset.path, el);
  return map;
}

function normalisePath(path) {
  let p = path.replace(/^configuration\./, "");
  const m = /^([A-Za-z_]+)(.*)$/.exec(p);
  if (m && PATH_ALIAS[m[1]]) p = PATH_ALIAS[m[1]] + m[2];
  return p;
}

/** The element an error path belongs to: the longest path prefix that names a form element. */
function elementForPath(path, map) {
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

function errorBox(el) {
  const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/);
  const id = ids.find((x) => x.endsWith("-error"));
  return id ? $(id) : null;
}

function showErrors() {
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
function selectInEditor([a, b]) {
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
function drawEditorMarks() {
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

function syncEditorScroll() {
  const ta = $("json");
  $("json-marks").style.transform = `translate(${-ta.scrollLeft}px, ${-ta.scrollTop}px)`;
}

// ---------------------------------------------------------------------------------------------
// Form ↔ JSON

const round4 = (x) => Math.round(x * 1e4) / 1e4;

function family(key) {
  const k = String(key).toLowerCase();
  if (k === "battle injury" || k === "battle_trauma") return "Battle Injury";
  if (["non-battle injury", "non_battle", "non_battle_injury", "non_battle_trauma"].includes(k)) return "Non-Battle Injury";
  if (k === "disease") return "Disease";
  return null;
}

function setIfIdle(el, value) {
  if (document.activeElement === el) return;
  el.value = value;
}

/** Shows the scenario in the form: values given in the input where present, else resolved ones. */
function renderForm() {
  const obj = state.obj ?? {};
  const res = state.resolved;
  const pick = (key) => {
    const raw = rawGet(obj, key);
    return raw !== undefined && (typeof raw !== "object" || raw === null) ? raw : res?.[key];
  };
  const simple = [
    ["f-patients", "total_patients"],
    ["f-days", "days_of_fighting"],
    ["f-base-date", "base_date"],
    ["f-intensity", "intensity"],
    ["f-tempo", "tempo"],
    ["f-flow", "flow_model"],
    ["f-evac", "evacuation_capability"],
  ];
  for (const [id, key] of simple) {
    const v = pick(key);
    if (v !== undefined) setIfIdle($(id), String(v));
  }
  const seed = rawGet(obj, "seed");
  setIfIdle($("f-seed"), seed === undefined ? "" : String(seed));

  const maps = { warfare_types: WARFARE, special_events: SPECIAL, environmental_conditions: ENVIRONMENT };
  for (const [key, names] of Object.entries(maps)) {
    let values = res?.[key];
    if (!values) {
      const raw = rawGet(obj, key);
      if (isObject(raw)) values = raw;
      else if (key === "warfare_types" && typeof raw === "string") values = { [raw === "amphibious" ? "naval" : raw]: true };
    }
    if (!values) continue;
    for (const n of names) $(`m-${key}-${n}`).checked = values[n] === true;
  }

  let mix = null;
  const rawMix = rawGet(obj, "injury_mix");
  if (isObject(rawMix) && Object.keys(rawMix).every((k) => family(k))) {
    const sum = Object.values(rawMix).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
    const scale = sum > 0 && sum <= 1.0000001 ? 100 : 1; // fractions shown as percentages
    mix = {};
    for (const [k, v] of Object.entries(rawMix)) mix[family(k)] = typeof v === "number" ? round4(v * scale) : v;
    for (const t of INJURY) mix[t] ??= 0;
  } else if (res) {
    mix = Object.fromEntries(INJURY.map((t) => [t, round4(res.injury_mix[t] * 100)]));
  }
  if (mix) INJURY.forEach((t, i) => setIfIdle($(`f-injury-${i}`), String(mix[t])));

  const demo = { ...(res?.demographics ?? {}), ...(isObject(rawGet(obj, "demographics")) ? rawGet(obj, "demographics") : {}) };
  if ("military" in demo) $("f-military").checked = demo.military === true;
  if ("religion" in demo) $("f-religion").checked = demo.religion !== false;
  if (demo.female_share !== undefined) setIfIdle($("f-female"), String(demo.female_share));
  if (demo.script !== undefined) $("f-script").value = demo.script;

  const rawFronts = rawGet(obj, "front_configs");
  if (Array.isArray(rawFronts) && rawFronts.length > 0) {
    state.fronts = rawFronts.map((f, k) => ({
      id: isObject(f) ? f.id : undefined,
      name: isObject(f) ? f.name ?? "" : "",
      rate: isObject(f) ? f.casualty_rate : undefined,
      nations: isObject(f) && Array.isArray(f.nationality_distribution)
        ? f.nationality_distribution.map((n) => ({ code: n?.nationality_code ?? "", pct: n?.percentage ?? "" }))
        : [],
      extra: isObject(f) ? f : {},
      index: k,
    }));
    renderFronts();
  } else if (res) {
    state.fronts = res.front_configs.map((f) => ({
      id: f.id,
      name: f.name,
      rate: round4(f.casualty_rate),
      nations: f.nationality_distribution.map((n) => ({ code: n.nationality_code, pct: round4(n.percentage * 100) })),
      extra: {},
    }));
    renderFronts();
  }

  const preset = rawGet(obj, "preset");
  $("preset").value = typeof preset === "string" && state.presets.some((p) => p.id === preset) ? preset : "";
  describePreset();
}

function parseNumber(text) {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t; // a non-number reaches the validator, which names the field
}

function parseSeed(text) {
  const t = text.trim();
  if (t === "") return undefined;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : t; // above 2^53 − 1 a seed is given as a string
  }
  return t;
}

/** Writes one form group into the scenario and updates the JSON editor. */
function formChanged(group) {
  const obj = state.obj ?? {};
  switch (group) {
    case "total_patients":
      rawSet(obj, "total_patients", parseNumber($("f-patients").value));
      break;
    case "seed":
      rawSet(obj, "seed", parseSeed($("f-seed").value));
      break;
    case "days_of_fighting":
      rawSet(obj, "days_of_fighting", parseNumber($("f-days").value));
      break;
    case "base_date":
      rawSet(obj, "base_date", $("f-base-date").value || undefined);
      break;
    case "intensity":
    case "tempo":
    case "flow_model":
    case "evacuation_capability": {
      const id = { intensity: "f-intensity", tempo: "f-tempo", flow_model: "f-flow", evacuation_capability: "f-evac" }[group];
      rawSet(obj, group, $(id).value);
      break;
    }
    case "warfare_types":
    case "special_events":
    case "environmental_conditions": {
      const names = { warfare_types: WARFARE, special_events: SPECIAL, environmental_conditions: ENVIRONMENT }[group];
      const map = {};
      for (const n of names) if ($(`m-${group}-${n}`).checked) map[n] = true;
      rawSet(obj, group, map);
      break;
    }
    case "injury_mix": {
      const map = {};
      INJURY.forEach((t, i) => {
        const v = parseNumber($(`f-injury-${i}`).value);
        map[t] = v === undefined ? 0 : v;
      });
      rawSet(obj, "injury_mix", map);
      break;
    }
    case "demographics": {
      const raw = rawGet(obj, "demographics");
      const demo = isObject(raw) ? raw : {};
      demo.military = $("f-military").checked;
      demo.religion = $("f-religion").checked;
      const fs = parseNumber($("f-female").value);
      if (fs === undefined) delete demo.female_share;
      else demo.female_share = fs;
      demo.script = $("f-script").value;
      rawSet(obj, "demographics", demo);
      break;
    }
    case "front_configs":
      rawSet(obj, "front_configs", frontsToJson());
      break;
  }
  setText(JSON.stringify(obj, null, 2), false, "form");
  describePreset();
}

/**
 * Sets the scenario text. `source` says where it came from ("form", "editor" or "import"): errors in
 * text typed or imported are shown at the editor too, where the user made them.
 */
function setText(text, rerenderForm, source) {
  state.text = text;
  state.source = source;
  const ta = $("json");
  if (ta.value !== text) ta.value = text;
  validate();
  if (rerenderForm) {
    renderForm();
    showErrors(); // the form was rebuilt (the fronts' elements are new): show the errors again
  }
  schedulePreview();
  scheduleStorageLine();
}

// ---------------------------------------------------------------------------------------------
// Fronts editor

function frontsToJson() {
  return state.fronts.map((f) => {
    const out = { ...f.extra };
    delete out.id;
    delete out.name;
    delete out.casualty_rate;
    delete out.nationality_distribution;
    const o = {};
    if (f.id !== undefined && f.id !== "") o.id = f.id;
    o.name = f.name;
    if (f.rate !== undefined && f.rate !== "") o.casualty_rate = f.rate;
    o.nationality_distribution = f.nations.map((n) => ({ nationality_code: n.code, percentage: n.pct }));
    return { ...o, ...out };
  });
}

function nationSelect(id, value, path) {
  const sel = document.createElement("select");
  sel.id = id;
  sel.dataset.path = path;
  const known = Object.hasOwn(NATIONS, value);
  if (!known) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = value === "" ? "(choose)" : `${value} (unknown)`;
    sel.append(o);
  }
  for (const [code, name] of Object.entries(NATIONS).sort((a, b) => a[1].localeCompare(b[1]))) {
    const o = document.createElement("option");
    o.value = code;
    o.textContent = `${code} – ${name}`;
    sel.append(o);
  }
  sel.value = value;
  return sel;
}

function fieldWrap(labelText, input, errId, cls) {
  const div = document.createElement("div");
  div.className = `field ${cls ?? ""}`;
  const l = document.createElement("label");
  l.htmlFor = input.id;
  l.textContent = labelText;
  const err = document.createElement("p");
  err.className = "field-error";
  err.id = errId;
  input.setAttribute("aria-describedby", errId);
  div.append(l, input, err);
  return div;
}

function renderFronts(focusId) {
  const host = $("fronts");
  host.replaceChildren();
  state.fronts.forEach((f, k) => {
    const base = `front_configs[${k}]`;
    const fs = document.createElement("fieldset");
    fs.className = "front";
    fs.dataset.path = base;
    fs.setAttribute("aria-describedby", `fr-${k}-error`);
    const lg = document.createElement("legend");
    lg.textContent = `Front ${k + 1}${f.name ? ` — ${f.name}` : ""}`;
    fs.append(lg);

    const row = document.createElement("div");
    row.className = "grid3 tight";
    const name = document.createElement("input");
    name.id = `fr-${k}-name`;
    name.value = f.name;
    name.dataset.path = `${base}.name`;
    name.addEventListener("input", () => {
      f.name = name.value;
      lg.textContent = `Front ${k + 1}${f.name ? ` — ${f.name}` : ""}`;
      formChanged("front_configs");
    });
    const rate = document.createElement("input");
    rate.id = `fr-${k}-rate`;
    rate.type = "number";
    rate.min = "0";
    rate.step = "any";
    rate.value = f.rate ?? "";
    rate.dataset.path = `${base}.casualty_rate`;
    rate.addEventListener("input", () => {
      f.rate = parseNumber(rate.value);
      formChanged("front_configs");
    });
    const id = document.createElement("input");
    id.id = `fr-${k}-id`;
    id.value = f.id ?? "";
    id.placeholder = `front_${k + 1}`;
    id.dataset.path = `${base}.id`;
    id.addEventListener("input", () => {
      f.id = id.value || undefined;
      formChanged("front_configs");
    });
    row.append(
      fieldWrap("Name", name, `fr-${k}-name-error`),
      fieldWrap("Weight", rate, `fr-${k}-rate-error`),
      fieldWrap("Id", id, `fr-${k}-id-error`),
    );
    fs.append(row);

    const list = document.createElement("div");
    list.className = "nations";
    list.dataset.path = `${base}.nationality_distribution`;
    list.setAttribute("aria-describedby", `fr-${k}-nat-error`);
    f.nations.forEach((n, j) => {
      const p = `${base}.nationality_distribution[${j}]`;
      const line = document.createElement("div");
      line.className = "nation";
      line.dataset.path = p;
      line.setAttribute("aria-describedby", `fr-${k}-n${j}-error`);
      const sel = nationSelect(`fr-${k}-n${j}-code`, n.code, `${p}.nationality_code`);
      sel.addEventListener("change", () => {
        n.code = sel.value;
        formChanged("front_configs");
      });
      const pct = document.createElement("input");
      pct.id = `fr-${k}-n${j}-pct`;
      pct.type = "number";
      pct.min = "0";
      pct.step = "any";
      pct.value = n.pct;
      pct.dataset.path = `${p}.percentage`;
      pct.addEventListener("input", () => {
        n.pct = parseNumber(pct.value) ?? 0;
        formChanged("front_configs");
      });
      const rm = document.createElement("button");
      rm.type = "button";
      rm.className = "icon";
      rm.textContent = "×";
      rm.setAttribute("aria-label", `Remove nation ${j + 1} of front ${k + 1}`);
      rm.addEventListener("click", () => {
        f.nations.splice(j, 1);
        formChanged("front_configs");
        renderFronts(`fr-${k}-add`);
        showErrors();
      });
      const err = document.createElement("p");
      err.className = "field-error";
      err.id = `fr-${k}-n${j}-error`;
      sel.setAttribute("aria-describedby", err.id);
      pct.setAttribute("aria-describedby", err.id);
      const l1 = document.createElement("label");
      l1.htmlFor = sel.id;
      l1.className = "visually-hidden";
      l1.textContent = `Nation ${j + 1} of front ${k + 1}`;
      const l2 = document.createElement("label");
      l2.htmlFor = pct.id;
      l2.className = "visually-hidden";
      l2.textContent = `Percentage of nation ${j + 1} of front ${k + 1}`;
      line.append(l1, sel, l2, pct, rm, err);
      list.append(line);
    });
    const natErr = document.createElement("p");
    natErr.className = "field-error";
    natErr.id = `fr-${k}-nat-error`;
    list.append(natErr);
    fs.append(list);

    const buttons = document.createElement("div");
    buttons.className = "buttons";
    const add = document.createElement("button");
    add.type = "button";
    add.className = "secondary small";
    add.id = `fr-${k}-add`;
    add.textContent = "Add nation";
    add.addEventListener("click", () => {
      const used = new Set(f.nations.map((n) => n.code));
      f.nations.push({ code: Object.keys(NATIONS).find((c) => !used.has(c)) ?? "USA", pct: 10 });
      formChanged("front_configs");
      renderFronts(`fr-${k}-n${f.nations.length - 1}-code`);
      showErrors();
    });
    const del = document.createElement("button");
    del.type = "button";
    del.className = "secondary small";
    del.textContent = "Remove front";
    del.setAttribute("aria-label", `Remove front ${k + 1}`);
    del.addEventListener("click", () => {
      state.fronts.splice(k, 1);
      formChanged("front_configs");
      renderFronts("add-front");
      showErrors();
    });
    buttons.append(add, del);
    const ferr = document.createElement("p");
    ferr.className = "field-error";
    ferr.id = `fr-${k}-error`;
    fs.append(buttons, ferr);
    host.append(fs);
  });
  if (focusId) $(focusId)?.focus();
}

// ---------------------------------------------------------------------------------------------
// Presets, import, export

function describePreset() {
  const p = state.presets.find((x) => x.id === $("preset").value);
  const custom = scenarioLabel().endsWith("custom");
  let text = p
    ? `${p.description} (${p.total_patients.toLocaleString("en")} patients, ${p.days_of_fighting} days, ${p.warfare_types.join(", ")}, ${p.difficulty})`
    : "The embedded default scenario: 1,440 patients over 8 days; conventional, artillery and drone warfare; three fronts.";
  if (custom) text = `Edited or imported scenario${p ? `, based on “${p.name}”` : ""}: see the form and the JSON below.`;
  $("preset-desc").textContent = text;
}

function presetChanged() {
  const id = $("preset").value;
  const obj = id ? { preset: id } : {};
  const seed = rawGet(state.obj ?? {}, "seed");
  if (seed !== undefined) obj.seed = seed;
  setText(JSON.stringify(obj, null, 2), true, "form");
  describePreset();
}

function scenarioLabel() {
  const obj = state.obj ?? {};
  const preset = rawGet(obj, "preset");
  const scenarioKeys = Object.keys(obj).filter((k) => !["seed", "total_patients", "count", "preset"].includes(k));
  if (scenarioKeys.length === 0 && typeof preset === "string") return preset;
  if (scenarioKeys.length === 0) return "default";
  return typeof preset === "string" ? `${preset}-custom` : "custom";
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportConfig() {
  const seed = rawGet(state.obj ?? {}, "seed");
  const name = `patientgen-config-${scenarioLabel()}${seed !== undefined ? `-seed${seed}` : ""}.json`;
  const text = state.text.endsWith("\n") ? state.text : `${state.text}\n`;
  download(new Blob([text], { type: "application/json" }), name);
}

async function importConfig(file) {
  const text = await file.text();
  setText(text, true, "import");
  setStatus(`Imported ${file.name}.`);
  if (state.errors.length) {
    const first = state.marks?.[0];
    if (first) selectInEditor(first);
    $("json-wrap").scrollIntoView({ block: "nearest" });
  }
}

// ---------------------------------------------------------------------------------------------
// Output options

function outputOptions() {
  const format = $("o-format").value;
  const compression = $("o-compress").value;
  const encrypt = $("o-encrypt").checked;
  const single = compression !== "none" || encrypt;
  const asked = Math.max(1, Math.min(64, Math.floor(Number($("o-workers").value) || 1)));
  return { format, compression, encrypt, password: $("o-password").value, workers: single ? 1 : asked, single };
}

function currentSeed() {
  const s = rawGet(state.obj ?? {}, "seed");
  return s === undefined ? null : String(s);
}

/** The seed of the next run: the scenario's, or the random one an empty seed field stands for. */
function effectiveSeed() {
  return currentSeed() ?? String(state.pendingSeed);
}

/** The scenario text with the effective seed in it (what Generate will run). */
function seededText() {
  if (currentSeed() !== null || !isObject(state.obj)) return state.text;
  const obj = structuredClone(state.obj);
  rawSet(obj, "seed", state.pendingSeed);
  return JSON.stringify(obj, null, 2);
}

/** Suggested file name and content type, e.g. patientgen-default-1440-seed42.ndjson. */
function outputName() {
  const o = outputOptions();
  if (!state.resolved) return null;
  let base;
  let type;
  try {
    const probe = new Generator(state.text, { format: o.format, compression: o.compression, seed: effectiveSeed() });
    base = probe.fileName.replace(/^patients\./, "");
    type = probe.contentType;
    probe.free(); // release its wasm memory now (the page calls this on every form change)
  } catch {
    return null;
  }
  if (o.encrypt && !base.endsWith(".pgenc")) base += ".pgenc";
  if (o.encrypt) type = "application/octet-stream";
  const seed = effectiveSeed();
  return { name: `patientgen-${scenarioLabel()}-${state.resolved.total_patients}-seed${seed}.${base}`, type };
}

function updateFileName() {
  const n = outputName();
  $("file-name").textContent = n ? n.name : "—";
}

function updateRunControls() {
  const o = outputOptions();
  const running = !!state.run;
  const pwBad = o.encrypt && o.password.length < 8;
  $("o-password-error").textContent = pwBad ? "The password needs at least 8 characters." : "";
  if (pwBad) $("o-password").setAttribute("aria-invalid", "true");
  else $("o-password").removeAttribute("aria-invalid");
  $("generate").disabled = running || !state.module || !state.resolved || pwBad || !!state.starting;
  $("cancel").disabled = !running;
  $("o-workers-hint").textContent = o.single
    ? "Compressed or encrypted output: one worker runs the whole job."
    : `${navigator.hardwareConcurrency || 1} cores available.`;
  for (const id of ["o-format", "o-compress", "o-workers", "o-save", "o-encrypt", "preset", "import-file"]) {
    $(id).disabled = running;
  }
  $("o-password").disabled = running || !o.encrypt;
  refreshStatus();
  // The scenario stays editable while a run is going: the run took its own copy of the text.
  // (Locking the whole form would restyle and relayout ~1,000 elements on the main thread.)
}

// ---------------------------------------------------------------------------------------------
// Preview of the first patients (its own worker; cheap)

function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(requestPreview, 250);
}

function requestPreview() {
  if (!state.previewWorker || !state.resolved) return;
  const text = seededText();
  const format = $("o-format").value;
  const key = `${format}\n${text}`;
  if (state.previewKey === key) return; // already shown (or on its way)
  state.previewKey = key;
  const id = ++state.previewId;
  const count = Math.min(PREVIEW_COUNT, state.resolved.total_patients);
  // The same worker measures the chosen format's bytes per patient (for the storage estimate).
  state.previewWorker.postMessage({ type: "preview", id, key, config: text, count, format, total: state.resolved.total_patients });
}

function onPreview({ data }) {
  if (data.id !== state.previewId) return;
  if (data.type === "preview-error") {
    state.previewKey = null;
    $("preview-note").textContent = `Preview unavailable: ${data.error.message}`;
    return;
  }
  state.probe = { key: data.key, bytesPerPatient: data.bytesPerPatient };
  renderPreview(data.records, data.seed);
  updateStorageLine();
}

function renderPreview(records, seed) {
  state.previewRecords = records;
  const drawn = currentSeed() === null ? " (drawn at random; Generate writes it into the scenario)" : "";
  $("preview-note").textContent = `The first ${records.length} patients for seed ${seed}${drawn}. Select one to see its timeline.`;
  const body = $("preview-table").tBodies[0];
  const rows = records.map((r, i) => {
    const tr = document.createElement("tr");
    const td0 = document.createElement("td");
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "link";
    btn.textContent = String(r.id);
    btn.setAttribute("aria-label", `Patient ${r.id}: show timeline`);
    btn.addEventListener("click", () => selectPatient(i));
    td0.append(btn);
    tr.append(td0);
    const cells = [
      r.name,
      r.nationality,
      r.front,
      r.injury_type,
      r.triage_category,
      r.status,
      r.injury_time.replace("T", " ").replace("Z", ""),
    ];
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c;
      tr.append(td);
    }
    tr.children[5].className = `triage ${r.triage_category}`;
    return tr;
  });
  body.replaceChildren(...rows);
  const keep = state.selected !== undefined && state.selected < records.length ? state.selected : 0;
  if (records.length) selectPatient(keep);
}

const FACILITY_COLOURS = { POI: "#8a5a00", Role1: "#1f6f8b", Role2: "#2e7d32", Role3: "#6a3fa0", Role4: "#34495e" };

function selectPatient(i) {
  const r = state.previewRecords?.[i];
  if (!r) return;
  state.selected = i;
  const body = $("preview-table").tBodies[0];
  [...body.rows].forEach((tr, k) => {
    tr.classList.toggle("selected", k === i);
    tr.querySelector("button")?.setAttribute("aria-pressed", String(k === i));
  });
  const host = $("timeline");
  const h = document.createElement("h3");
  h.id = "timeline-h";
  h.textContent = `Timeline of patient ${r.id}`;
  const summary = document.createElement("p");
  summary.className = "hint";
  summary.textContent = `${r.name} (${r.nationality}, ${r.gender}) · ${r.front} · ${r.condition} · ${r.body_part} · severity ${r.severity} · ${r.scenario}${r.mass_casualty ? " · mass casualty" : ""} · ${r.status} at ${r.last_facility}`;
  const events = r.movement_timeline ?? [];
  host.replaceChildren(h, summary, timelineSvg(events), timelineList(events));
}

function timelineSvg(events) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const W = 600;
  const H = 44;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "track");
  svg.setAttribute("role", "img");
  const end = Math.max(1, ...events.map((e) => e.hours_since_injury ?? 0));
  svg.setAttribute("aria-label", `Facility stays over ${end.toFixed(1)} hours since injury`);
  const x = (hrs) => 4 + ((W - 8) * hrs) / end;
  // Stays: arrival → next transit_start (or the last event); transits in between.
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    if (e.event_type !== "arrival" && e.event_type !== "transit_start") continue;
    const next = events.slice(k + 1).find((n) => n.event_type === "arrival" || n.event_type === "transit_start");
    const t1 = next ? next.hours_since_injury : events.at(-1).hours_since_injury;
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", x(e.hours_since_injury));
    rect.setAttribute("y", e.event_type === "arrival" ? 6 : 14);
    rect.setAttribute("width", Math.max(2, x(t1) - x(e.hours_since_injury)));
    rect.setAttribute("height", e.event_type === "arrival" ? 20 : 4);
    rect.setAttribute("fill", e.event_type === "arrival" ? FACILITY_COLOURS[e.facility] ?? "#555" : "#999");
    const title = document.createElementNS(ns, "title");
    title.textContent =
      e.event_type === "arrival" ? `${e.facility} from ${e.hours_since_injury} h` : `transit ${e.from_facility} → ${e.to_facility}`;
    rect.append(title);
    svg.append(rect);
  }
  const last = events.at(-1);
  if (last) {
    const mark = document.createElementNS(ns, "circle");
    mark.setAttribute("cx", x(last.hours_since_injury));
    mark.setAttribute("cy", 16);
    mark.setAttribute("r", 5);
    mark.setAttribute("fill", last.event_type === "kia" ? "#c62828" : "#2e7d32");
    svg.append(mark);
  }
  const axis = document.createElementNS(ns, "text");
  axis.setAttribute("x", W - 4);
  axis.setAttribute("y", H - 4);
  axis.setAttribute("text-anchor", "end");
  axis.setAttribute("class", "axis");
  axis.textContent = `${end.toFixed(1)} h`;
  const zero = document.createElementNS(ns, "text");
  zero.setAttribute("x", 4);
  zero.setAttribute("y", H - 4);
  zero.setAttribute("class", "axis");
  zero.textContent = "0 h";
  svg.append(axis, zero);
  return svg;
}

function timelineList(events) {
  const ol = document.createElement("ol");
  ol.className = "events";
  for (const e of events) {
    const li = document.createElement("li");
    li.className = `ev ${e.event_type}`;
    const time = document.createElement("time");
    time.dateTime = e.timestamp;
    time.textContent = `${e.timestamp.slice(5, 16).replace("T", " ")} (+${e.hours_since_injury.toFixed(1)} h)`;
    const what = document.createElement("span");
    const names = { kia: "Killed", rtd: "Returned to duty", remains_role4: "Remains at Role 4" };
    let text = `${names[e.event_type] ?? label(e.event_type)} · ${e.facility}`;
    if (e.event_type === "transit_start") text = `Transit ${e.from_facility} → ${e.to_facility}, ${e.transit_duration_hours} h`;
    else if (e.event_type === "evacuation_start") text += `, stay ${e.evacuation_duration_hours} h, ${e.triage_category}`;
    else if (e.event_type === "kia" && e.kia_timing) text += ` (${e.kia_timing.replace(/_/g, " ")})`;
    else if (e.event_type === "rtd" && e.rtd_timing) text += ` (${e.rtd_timing.replace(/_/g, " ")})`;
    what.textContent = text;
    li.append(time, " ", what);
    ol.append(li);
  }
  return ol;
}

// ---------------------------------------------------------------------------------------------
// Charts (plain canvas)

// Canvas widths come from a ResizeObserver, so drawing never forces a layout.
const canvasWidths = new WeakMap();
const canvasObserver = new ResizeObserver((entries) => {
  for (const e of entries) canvasWidths.set(e.target, e.contentRect.width);
  drawCharts(state.run?.last ?? state.lastCounters ?? emptyCounters());
});

function drawCharts(c) {
  const describe = !state.run; // the text descriptions are updated when no run is going
  const days = drawDays($("c-days"), c.perDay, canvasWidths.get($("c-days")));
  if (describe) $("c-days-desc").textContent = days;
  for (const [id, names, values] of [
    ["c-triage", ["T1", "T2", "T3"], c.triage],
    ["c-outcomes", ["KIA", "DOW", "NBD", "RTD", "Remains_Role4"], c.outcomes],
  ]) {
    const text = drawBars($(id), names, values, canvasWidths.get($(id)));
    if (describe) $(`${id}-desc`).textContent = text;
  }
}

// ---------------------------------------------------------------------------------------------
// Generation

/** Shows an event (progress, outcome of a run) in the status line, unless Generate is disabled. */
function setStatus(text, kind) {
  state.message = { text, kind: kind ?? "" };
  refreshStatus();
}

/** Why Generate is disabled (null when it is enabled or a run is going). */
function disabledReason() {
  if (state.run || state.starting) return null;
  if (!state.module) return null; // the loading message (or the loading error) is shown
  if (!state.resolved) {
    const n = state.errors.length;
    const first = state.errors[0];
    const what = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : "invalid scenario";
    const where = state.source === "form" ? "see the marked fields" : "see the JSON editor";
    return `Generate is disabled: the scenario has ${n === 1 ? "a problem" : `${n} problems`} (${where}) — ${what}${n > 1 ? " …" : ""}`;
  }
  const o = outputOptions();
  if (o.encrypt && o.password.length < 8) return "Generate is disabled: the encryption password needs at least 8 characters.";
  return null;
}

function refreshStatus() {
  const reason = disabledReason();
  const s = $("status");
  const text = reason ?? state.message.text;
  const kind = reason ? "error" : state.message.kind;
  if (s.textContent !== text) s.textContent = text;
  if (s.className !== kind) s.className = kind;
}

function setRunState(name) {
  document.documentElement.dataset.run = name;
}

const fmtInt = (n) => Math.round(n).toLocaleString("en");
function fmtDuration(s) {
  if (!Number.isFinite(s)) return "—";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

function showProgress(run, p, total) {
  const elapsed = (performance.now() - run.t0) / 1000;
  const rate = elapsed > 0 ? p.patients / elapsed : 0;
  $("progress").value = Math.min(1, p.patients / total);
  $("s-patients").textContent = `${fmtInt(p.patients)} / ${fmtInt(total)}`;
  $("s-rate").textContent = rate > 0 ? fmtInt(rate) : "—";
  $("s-mb").textContent = (p.bytes / 1e6).toFixed(1);
  $("s-elapsed").textContent = fmtDuration(elapsed);
  $("s-eta").textContent = rate > 0 && p.patients < total ? fmtDuration((total - p.patients) / rate) : p.patients >= total ? "0 s" : "—";
  run.last = p;
  run.rate = rate;
  state.lastCounters = p;
  drawCharts(p);
  showCalibration(p.calibration);
}

/** The figures of the calibration report shown beside the live counters, by id (docs/REPORT.md). */
const CALIBRATION_SHOWN = [
  ["pct_kia", "%KIA"],
  ["pct_dow", "%DOW"],
  ["cfr", "CFR"],
  ["t1_alive_mtf_within_1h", "T1 at a facility ≤ 1 h"],
  ["t1_surgical_median", "T1 to surgery, median"],
  ["t1_surgical_within_2h", "T1 at surgery ≤ 2 h"],
  ["t1_bypass_role1", "T1 past Role 1"],
];

/** Renders the run's calibration figures (counts from every worker, merged and computed by the core). */
function showCalibration(counts) {
  const box = $("calibration");
  if (!box) return;
  if (!counts || counts.length === 0) {
    for (const [id] of CALIBRATION_SHOWN) $(`k-${id}`).textContent = "—";
    return;
  }
  let report;
  try {
    report = calibrationFigures(mergeCalibrations(counts));
  } catch {
    return;
  }
  for (const [id] of CALIBRATION_SHOWN) {
    const f = report.figures.find((x) => x.id === id);
    const cell = $(`k-${id}`);
    cell.textContent = f ? f.text : "—";
    cell.title = f ? `${f.definition} (${f.basis})` : "";
  }
}

async function chooseTarget(name, type, mode) {
  const extension = `.${name.split(".").pop()}`;
  if ((mode === "auto" || mode === "picker") && typeof window.showSaveFilePicker === "function") {
    const mime = type.split(";")[0].trim();
    try {
      const handle = await window.showSaveFilePicker({
        suggestedName: name,
        types: [{ description: "patientgen output", accept: { [mime]: [extension] } }],
      });
      return { kind: "handle", handle, name: handle.name ?? name };
    } catch (e) {
      if (e?.name === "AbortError") throw e; // the user closed the picker
      if (mode === "picker") throw e;
      // Not allowed here (e.g. no user activation, or an embedded frame): fall back to OPFS.
    }
  }
  if (mode !== "blob" && navigator.storage && typeof navigator.storage.getDirectory === "function") {
    return { kind: "opfs", name };
  }
  return { kind: "blob", name, contentType: type };
}

function randomSeed() {
  const w = crypto.getRandomValues(new Uint32Array(2));
  const v = (BigInt(w[0]) << 32n) | BigInt(w[1]);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function workerUrl() {
  return new URL("./worker.js", import.meta.url);
}

function clearResult() {
  for (const u of state.urls) URL.revokeObjectURL(u);
  state.urls = [];
  $("result").replaceChildren();
}

async function generate() {
  if (state.run || state.starting || !state.resolved) return;
  state.starting = true;
  updateRunControls();
  try {
    await startRun();
  } finally {
    state.starting = false;
    updateRunControls();
  }
}

async function startRun() {
  const o = outputOptions();
  if (o.encrypt && o.password.length < 8) return;
  if (currentSeed() === null) {
    // The random seed shown in the file name and the preview becomes part of the scenario.
    const obj = state.obj ?? {};
    rawSet(obj, "seed", state.pendingSeed);
    state.pendingSeed = randomSeed();
    setText(JSON.stringify(obj, null, 2), true, "form");
    if (!state.resolved) return;
  }
  const out = outputName();
  if (!out) return;
  const total = state.resolved.total_patients;
  const days = state.resolved.days_of_fighting;
  clearResult();
  let target;
  try {
    target = await chooseTarget(out.name, out.type, $("o-save").value);
  } catch (e) {
    setStatus(e?.name === "AbortError" ? "Save cancelled: nothing was generated." : `Cannot save: ${e?.message ?? e}`, "warn");
    return;
  }

  let storageNote = "";
  if (target.kind === "opfs") {
    // The size estimate of this very scenario and format (the preview worker measures it).
    clearTimeout(state.previewTimer);
    requestPreview();
    for (let i = 0; i < 40 && expectedBytes() === null; i++) await new Promise((r) => setTimeout(r, 50));
    await updateStorageLine();
    const need = expectedBytes();
    if (need !== null && need > PERSIST_ABOVE_BYTES) await askPersistence();
    const est = state.storage;
    if (need !== null && est && Number.isFinite(est.quota)) {
      const free = Math.max(0, est.quota - est.usage);
      storageNote = ` (about ${fmtBytes(need)}; browser storage free: about ${fmtBytes(free)}${need > free ? " — NOT ENOUGH, the run will stop when it is full" : ""})`;
    }
  }

  const run = {
    t0: performance.now(),
    total,
    target,
    shards: [],
    sink: null,
    finished: false,
    last: { patients: 0, bytes: 0, perDay: new Array(days).fill(0), triage: [0, 0, 0], outcomes: [0, 0, 0, 0, 0] },
  };
  state.run = run;
  setRunState("running");
  updateRunControls();
  showProgress(run, run.last, total);
  setStatus(
    `Generating ${fmtInt(total)} patients with ${o.workers} worker${o.workers > 1 ? "s" : ""} into ${target.name}${storageNote}…`,
    storageNote.includes("NOT ENOUGH") ? "warn" : "",
  );
  requestPreview();

  const options = o.single
    ? { format: o.format, compression: o.compression, ...(o.encrypt ? { encryption: { password: o.password } } : {}) }
    : { format: o.format, chunkBytes: UNCOMPRESSED_CHUNK_BYTES, chunkSize: 1_000_000 };
  const sink = new Worker(workerUrl(), { type: "module", name: "patientgen-sink" });
  run.sink = sink;
  const ports = [];
  for (let i = 0; i < o.workers; i++) {
    const ch = new MessageChannel();
    const w = new Worker(workerUrl(), { type: "module", name: `patientgen-shard-${i}` });
    w.onerror = (ev) => finish("error", { message: ev.message || "worker failed to start" });
    w.postMessage(
      { role: "shard", module: state.module, config: state.text, options, credits: SHARD_CREDITS, port: ch.port1 },
      [ch.port1],
    );
    run.shards.push(w);
    ports.push(ch.port2);
  }
  sink.onmessage = ({ data }) => {
    if (state.run !== run) return;
    if (data.type === "progress") showProgress(run, data, total);
    else if (data.type === "done") finish("done", data);
    else if (data.type === "cancelled") finish("cancelled");
    else if (data.type === "error") finish("error", data.error);
  };
  sink.onerror = (ev) => finish("error", { message: ev.message || "sink worker failed" });
  const sinkTarget = target.kind === "opfs" ? { kind: "opfs", name: target.name } : target;
  sink.postMessage(
    {
      role: "sink",
      ports,
      total,
      days,
      whole: o.single || o.workers === 1,
      credits: SHARD_CREDITS,
      chunkBytes: UNCOMPRESSED_CHUNK_BYTES,
      target: sinkTarget,
    },
    ports,
  );
}

function terminateShards(run) {
  for (const w of run.shards) w.terminate();
  run.shards = [];
}

function cancel() {
  const run = state.run;
  if (!run || run.cancelling) return;
  run.cancelling = true;
  // Every shard worker stops now (mid-chunk at the latest); the sink discards the partial output.
  terminateShards(run);
  run.sink.postMessage({ type: "cancel" });
  setStatus("Cancelling…");
  run.cancelTimer = setTimeout(() => finish("cancelled"), 3000);
}

async function finish(how, info) {
  const run = state.run;
  if (!run || run.finished) return;
  run.finished = true;
  clearTimeout(run.cancelTimer);
  terminateShards(run);
  run.sink.terminate();
  const elapsed = (performance.now() - run.t0) / 1000;
  if (how === "done") {
    // The file must hold every byte generated: its size is checked again here, before any link.
    const problem = await checkSaved(run, info);
    if (problem) {
      how = "error";
      info = problem;
    }
  }
  state.run = null;
  drawCharts(run.last); // with the text descriptions, which are not updated while running
  if (how === "done") {
    showProgress(run, { ...run.last, patients: run.total }, run.total);
    const bytes = info.size;
    const rate = run.total / elapsed;
    setStatus(
      `Done: ${fmtInt(run.total)} patients, ${(bytes / 1e6).toFixed(1)} MB in ${fmtDuration(elapsed)} (${fmtInt(rate)} patients/s).`,
      "ok",
    );
    await showResult(run, info);
    setRunState("done");
  } else if (how === "cancelled") {
    $("s-eta").textContent = "—";
    const removed = await discardPartial(run);
    setStatus(
      `Cancelled after ${fmtInt(run.last.patients)} of ${fmtInt(run.total)} patients; ${removed}`,
      "warn",
    );
    setRunState("cancelled");
  } else {
    $("s-eta").textContent = "—";
    const removed = await discardPartial(run);
    let msg;
    if (info?.storage) {
      msg = await storageErrorText(run, info.storage, removed);
    } else {
      const why = info?.errors ? info.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : info?.message;
      msg = `Generation failed: ${why ?? "unknown error"}; ${removed}`;
    }
    setStatus(msg, "error");
    setRunState("error");
  }
  state.lastRun = { how, elapsed, patients: how === "done" ? run.total : run.last.patients, name: run.target.name };
  updateRunControls();
  updateStorageLine();
}

/** Null when the saved output holds exactly the bytes generated, else the error to report. */
async function checkSaved(run, info) {
  const t = run.target;
  let size;
  try {
    if (t.kind === "opfs") {
      const dir = await navigator.storage.getDirectory();
      size = (await (await dir.getFileHandle(t.name)).getFile()).size;
    } else if (t.kind === "handle") {
      size = (await t.handle.getFile()).size;
    } else {
      size = info.blob?.size;
    }
  } catch (e) {
    // A file chosen with the picker may not be readable back: the worker's own check stands.
    if (t.kind === "handle") return null;
    return { storage: { reason: "missing", written: 0, generated: info.generated, patients: run.total, detail: e?.message } };
  }
  if (size === info.generated && size === info.size) return null;
  return { storage: { reason: "short", written: size ?? 0, generated: info.generated, patients: run.last.patients } };
}

/** Removes (browser storage) or empties (a chosen file) the partial output; says what was done. */
async function discardPartial(run) {
  const t = run.target;
  if (t.kind === "opfs") {
    try {
      const dir = await navigator.storage.getDirectory();
      await dir.removeEntry(t.name);
      return "the partial file was removed from browser storage.";
    } catch (e) {
      if (e?.name === "NotFoundError") return "nothing was stored.";
      return `the partial file ${t.name} could not be removed from browser storage (${e?.message ?? e}); it is incomplete.`;
    }
  }
  if (t.kind === "handle") {
    try {
      const size = (await t.handle.getFile()).size;
      if (size === 0) return `the file ${t.name} was left empty.`;
      return `the file ${t.name} is INCOMPLETE (${(size / 1e6).toFixed(1)} MB): delete it.`;
    } catch {
      return `the file ${t.name} is incomplete: delete it.`;
    }
  }
  return "the partial output was discarded.";
}

const fmtBytes = (n) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

/** The message of a run stopped by a storage error: what was written, what is needed, what to do. */
async function storageErrorText(run, st, removed) {
  const perPatient = st.patients > 0 && st.generated > 0 ? st.generated / st.patients : state.probe?.bytesPerPatient ?? 0;
  const need = perPatient * run.total;
  let est = null;
  try {
    est = await navigator.storage.estimate();
  } catch {
    /* not available */
  }
  const kind = run.target.kind;
  const where = kind === "opfs" ? "Browser storage is full" : kind === "handle" ? `Writing ${run.target.name} failed` : "Memory ran out";
  const detail = st.reason === "short"
    ? `the saved file holds ${fmtBytes(st.written)} of the ${fmtBytes(st.generated)} generated`
    : `${fmtBytes(st.written)} of about ${fmtBytes(need)} were written (${fmtInt(st.patients)} of ${fmtInt(run.total)} patients)`;
  let space = "";
  if (need > 0) {
    space = ` The file needs about ${fmtBytes(need)}: ${fmtBytes(Math.max(0, need - st.written))} more than ${kind === "blob" ? "memory held" : "the browser accepted"}`;
    const free = est && Number.isFinite(est.quota) ? Math.max(0, est.quota - est.usage) : null;
    // The estimate is only the browser's word: a private window (or a full disk) takes less.
    if (kind === "opfs" && free !== null) {
      space += free > st.written
        ? ` (it reported about ${fmtBytes(free)} free: private windows and full disks hold less than reported)`
        : ` (it reports about ${fmtBytes(free)} free)`;
    }
    space += ".";
  }
  const todo =
    kind === "opfs"
      ? " To save the whole file: choose “a file I choose” under Save to (Chromium, Edge), use a normal (not private) window, free disk space, or generate fewer patients or with gzip."
      : " Free disk space (or memory), or generate fewer patients or with gzip.";
  const cap = `${removed[0].toUpperCase()}${removed.slice(1)}`;
  return `${where}: ${detail}; the run was stopped.${space}${todo} ${cap}${st.detail ? ` (Browser: ${st.detail}.)` : ""}`;
}

async function showResult(run, info) {
  const box = $("result");
  const t = run.target;
  if (t.kind === "handle") {
    box.textContent = `Saved to ${t.name} (${(info.size / 1e6).toFixed(1)} MB).`;
    return;
  }
  let file;
  if (t.kind === "opfs") {
    const dir = await navigator.storage.getDirectory();
    file = await (await dir.getFileHandle(t.name)).getFile();
  } else {
    file = info.blob;
  }
  const url = URL.createObjectURL(file);
  state.urls.push(url);
  const a = document.createElement("a");
  a.href = url;
  a.download = t.name;
  a.className = "button primary";
  a.id = "download";
  a.textContent = `Download ${t.name} (${(file.size / 1e6).toFixed(1)} MB)`;
  box.replaceChildren(a);
  if (t.kind === "opfs") {
    const rm = document.createElement("button");
    rm.type = "button";
    rm.className = "secondary";
    rm.textContent = "Remove from browser storage";
    rm.addEventListener("click", async () => {
      const dir = await navigator.storage.getDirectory();
      await dir.removeEntry(t.name).catch(() => {});
      clearResult();
      setStatus(`Removed ${t.name} from browser storage.`);
      updateStorageLine();
    });
    box.append(" ", rm);
  }
}

// ---------------------------------------------------------------------------------------------
// Storage: where the file goes, how much it needs, how much the browser allows

/** Where a run with the current "Save to" choice writes: "handle" (picker), "opfs" or "blob". */
function saveKind() {
  const mode = $("o-save").value;
  if ((mode === "auto" || mode === "picker") && typeof window.showSaveFilePicker === "function") return "handle";
  if (mode !== "blob" && navigator.storage && typeof navigator.storage.getDirectory === "function") return "opfs";
  return "blob";
}

/** Expected output size in bytes (uncompressed when compressing: an upper bound), or null. */
function expectedBytes() {
  if (!state.probe || !state.resolved || state.probe.key !== `${$("o-format").value}\n${seededText()}`) return null;
  return state.probe.bytesPerPatient * state.resolved.total_patients;
}

function scheduleStorageLine() {
  clearTimeout(state.storageTimer);
  state.storageTimer = setTimeout(updateStorageLine, 300);
}

/** The line under the file name: the expected size and, for browser storage, the estimate. */
async function updateStorageLine() {
  const call = (state.storageCall = (state.storageCall ?? 0) + 1);
  const line = $("storage-line");
  const need = expectedBytes();
  const kind = saveKind();
  const o = outputOptions();
  const size = need === null ? null : `${o.compression !== "none" ? "at most " : "about "}${fmtBytes(need)}`;
  let text = "";
  let warn = false;
  if (kind === "handle") {
    text = size ? `This file: ${size}, written straight to the file you choose.` : "";
  } else if (kind === "blob") {
    text = size ? `This file: ${size}, kept in memory until you download it.` : "";
    warn = need !== null && need > 1e9;
    if (warn) text += " That much may not fit in memory: choose browser storage, gzip or fewer patients.";
  } else {
    let est = null;
    try {
      est = await navigator.storage.estimate();
    } catch {
      /* not available */
    }
    if (call !== state.storageCall) return; // a later call shows the current state
    state.storage = est;
    if (est && Number.isFinite(est.quota)) {
      const free = Math.max(0, est.quota - est.usage);
      text = `Browser storage: about ${fmtBytes(free)} free for this page (quota ${fmtBytes(est.quota)}, ${fmtBytes(est.usage)} in use${state.persisted === true ? ", persistent" : ""})`;
      text += size ? `; this file: ${size}.` : ".";
      if (need !== null && need > free) {
        warn = true;
        text += ` Not enough: the run would stop when storage is full. Choose fewer patients, gzip, “a file I choose” (Chromium, Edge) or a normal (not private) window.`;
      }
    } else {
      text = size ? `This file: ${size}, in browser storage.` : "";
    }
  }
  line.textContent = text;
  line.className = warn ? "hint warn" : "hint";
}

/** Asks the browser to keep this page's storage (not evicted under pressure) before a large run. */
async function askPersistence() {
  if (!navigator.storage?.persist || state.persisted === true || state.persistAsked) return;
  state.persistAsked = true;
  try {
    state.persisted = await navigator.storage.persisted();
  } catch {
    state.persisted = false;
  }
  if (state.persisted) return;
  // Not awaited: Firefox asks the user and the answer may come later (or never).
  navigator.storage.persist().then(
    (granted) => {
      state.persisted = granted;
      updateStorageLine();
    },
    () => {},
  );
}

// ---------------------------------------------------------------------------------------------
// Start-up

function buildStaticForm() {
  const maps = { warfare_types: WARFARE, special_events: SPECIAL, environmental_conditions: ENVIRONMENT };
  for (const [key, names] of Object.entries(maps)) {
    const host = document.querySelector(`[data-map="${key}"]`);
    for (const n of names) {
      const l = document.createElement("label");
      l.className = "check";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.id = `m-${key}-${n}`;
      input.dataset.path = `${key}.${n}`;
      input.setAttribute("aria-describedby", host.parentElement.getAttribute("aria-describedby"));
      input.addEventListener("change", () => formChanged(key));
      l.append(input, ` ${label(n)}`);
      host.append(l);
    }
  }
  const injury = $("injury-fields");
  INJURY.forEach((t, i) => {
    const input = document.createElement("input");
    input.type = "number";
    input.min = "0";
    input.step = "any";
    input.id = `f-injury-${i}`;
    input.dataset.path = `injury_mix.${t}`;
    input.addEventListener("input", () => formChanged("injury_mix"));
    const wrap = fieldWrap(t, input, "g-injury-error");
    wrap.querySelector(".field-error").remove();
    injury.append(wrap);
  });

  const on = (id, ev, group) => $(id).addEventListener(ev, () => formChanged(group));
  on("f-patients", "input", "total_patients");
  on("f-seed", "input", "seed");
  on("f-days", "input", "days_of_fighting");
  on("f-base-date", "change", "base_date");
  on("f-intensity", "change", "intensity");
  on("f-tempo", "change", "tempo");
  on("f-flow", "change", "flow_model");
  on("f-evac", "change", "evacuation_capability");
  for (const id of ["f-military", "f-religion", "f-script"]) on(id, "change", "demographics");
  on("f-female", "input", "demographics");
  $("scenario-form").addEventListener("submit", (e) => e.preventDefault());
  $("output-form").addEventListener("submit", (e) => {
    e.preventDefault();
    generate();
  });
  $("add-front").addEventListener("click", () => {
    const k = state.fronts.length;
    state.fronts.push({ id: `front_${k + 1}`, name: `Front ${k + 1}`, rate: 0.1, nations: [{ code: "USA", pct: 100 }], extra: {} });
    formChanged("front_configs");
    renderFronts(`fr-${k}-name`);
    showErrors();
  });

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

  $("preset").addEventListener("change", presetChanged);
  $("import-file").addEventListener("change", async (e) => {
    const f = e.target.files?.[0];
    if (f) await importConfig(f);
    e.target.value = "";
  });
  $("export-config").addEventListener("click", exportConfig);

  $("o-workers").value = String(navigator.hardwareConcurrency || 1);
  for (const id of ["o-format", "o-compress", "o-workers", "o-encrypt", "o-password", "o-save"]) {
    $(id).addEventListener("input", () => {
      updateRunControls();
      updateFileName();
      if (id === "o-format") requestPreview(); // measures the new format's size
      if (id !== "o-password") scheduleStorageLine();
    });
  }
  $("cancel").addEventListener("click", cancel);
  // Narrow screens: the action bar is fixed at the bottom; the page keeps room for it below.
  new ResizeObserver(() => {
    const bar = $("actionbar");
    const fixed = getComputedStyle(bar).position === "fixed";
    document.body.style.setProperty("--bar-space", fixed ? `${Math.ceil(bar.offsetHeight) + 8}px` : "0px");
  }).observe($("actionbar"));
  // A change of devicePixelRatio (browser zoom, a window moved to another screen): redraw sharp.
  const watchDpr = () => {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener(
      "change",
      () => {
        drawCharts(state.run?.last ?? state.lastCounters ?? emptyCounters());
        watchDpr();
      },
      { once: true },
    );
  };
  watchDpr();
  for (const id of ["c-days", "c-triage", "c-outcomes"]) canvasObserver.observe($(id));
}

function emptyCounters() {
  const days = state.resolved?.days_of_fighting ?? 8;
  return { perDay: new Array(days).fill(0), triage: [0, 0, 0], outcomes: [0, 0, 0, 0, 0] };
}

async function compileModule() {
  const url = new URL("../pkg/patientgen_bg.wasm", import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url.pathname}: HTTP ${res.status} (run \`npm start\` to build pkg/)`);
  if (typeof WebAssembly.compileStreaming === "function" && res.headers.get("content-type")?.startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer()); // a server without the wasm MIME type
}

async function start() {
  buildStaticForm();
  try {
    state.module = await compileModule();
    await init(state.module);
  } catch (e) {
    setStatus(`The generator could not be loaded: ${e?.message ?? e}`, "error");
    setRunState("error");
    return;
  }
  state.presets = listPresets();
  const sel = $("preset");
  const dflt = document.createElement("option");
  dflt.value = "";
  dflt.textContent = "Default scenario";
  sel.append(dflt);
  for (const p of state.presets) {
    const o = document.createElement("option");
    o.value = p.id;
    o.textContent = p.name;
    sel.append(o);
  }
  state.previewWorker = new Worker(workerUrl(), { type: "module", name: "patientgen-preview" });
  state.previewWorker.onmessage = onPreview;
  state.previewWorker.postMessage({ role: "preview", module: state.module });
  state.pendingSeed = randomSeed();
  setText("{}", true, "form");
  drawCharts(emptyCounters());
  setStatus("Ready. Choose a scenario and press Generate.");
  setRunState("idle");
  updateRunControls();
}

/** Hooks for the end-to-end tests and the curious: live worker count and the last run. */
window.patientgenPage = {
  activeWorkers: () => (state.run ? state.run.shards.length + (state.run.sink ? 1 : 0) : 0),
  lastRun: () => state.lastRun ?? null,
  fileName: () => outputName()?.name ?? null,
  // Whether persistent storage was asked for (before a large run into browser storage) and granted.
  persistence: () => ({ asked: !!state.persistAsked, persisted: state.persisted ?? null }),
};

start();
