// The fronts editor: one fieldset per front (name, weight, id, nations with percentages), written
// back into the scenario as `front_configs`.

import { $, state } from "./state.js";
import { NATIONS } from "./scenario.js";
import { showErrors } from "./editor.js";
import { parseNumber, formChanged, fieldWrap } from "./form.js";

export function frontsToJson() {
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

export function nationSelect(id, value, path) {
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

export function renderFronts(focusId) {
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

/** Appends a front (one nation, USA 100 %) and focuses its name. */
export function addFront() {
  const k = state.fronts.length;
  state.fronts.push({ id: `front_${k + 1}`, name: `Front ${k + 1}`, rate: 0.1, nations: [{ code: "USA", pct: 100 }], extra: {} });
  formChanged("front_configs");
  renderFronts(`fr-${k}-name`);
  showErrors();
}
