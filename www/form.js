// The scenario form: renders the scenario (given values where present, else the resolved ones) and
// writes each edited group back into the scenario's JSON, one key at a time.

import { $, state } from "./state.js";
import { WARFARE, SPECIAL, ENVIRONMENT, INJURY, label, isObject, rawGet, rawSet } from "./scenario.js";
import { validate, showErrors } from "./editor.js";
import { frontsToJson, renderFronts } from "./fronts.js";
import { describePreset } from "./presets.js";
import { schedulePreview } from "./preview.js";
import { scheduleStorageLine } from "./storage.js";

export const round4 = (x) => Math.round(x * 1e4) / 1e4;

export function family(key) {
  const k = String(key).toLowerCase();
  if (k === "battle injury" || k === "battle_trauma") return "Battle Injury";
  if (["non-battle injury", "non_battle", "non_battle_injury", "non_battle_trauma"].includes(k)) return "Non-Battle Injury";
  if (k === "disease") return "Disease";
  return null;
}

export function setIfIdle(el, value) {
  if (document.activeElement === el) return;
  el.value = value;
}

/** Shows the scenario in the form: values given in the input where present, else resolved ones. */
export function renderForm() {
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

export function parseNumber(text) {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t; // a non-number reaches the validator, which names the field
}

export function parseSeed(text) {
  const t = text.trim();
  if (t === "") return undefined;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : t; // above 2^53 − 1 a seed is given as a string
  }
  return t;
}

/** Writes one form group into the scenario and updates the JSON editor. */
export function formChanged(group) {
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
export function setText(text, rerenderForm, source) {
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

export function fieldWrap(labelText, input, errId, cls) {
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

/** Builds the form's generated fields (checkbox maps, injury mix) and wires every scenario field. */
export function buildForm() {
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
}
