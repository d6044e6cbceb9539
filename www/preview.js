// Preview of the first patients (its own worker; cheap): a table of the first 50 patients of the
// scenario and the movement timeline of the selected one. The same worker measures the chosen
// format's bytes per patient for the storage estimate.

import { $, state, workerUrl } from "./state.js";
import { label } from "./scenario.js";
import { currentSeed, seededText } from "./output.js";
import { updateStorageLine } from "./storage.js";

export const PREVIEW_COUNT = 50;

export function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(requestPreview, 250);
}

export function requestPreview() {
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

export function onPreview({ data }) {
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

export function renderPreview(records, seed) {
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

export const FACILITY_COLOURS = { POI: "#8a5a00", Role1: "#1f6f8b", Role2: "#2e7d32", Role3: "#6a3fa0", Role4: "#34495e" };

export function selectPatient(i) {
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

export function timelineSvg(events) {
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

export function timelineList(events) {
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

/** Starts the preview worker on the compiled wasm module. */
export function startPreview(module) {
  state.previewWorker = new Worker(workerUrl(), { type: "module", name: "patientgen-preview" });
  state.previewWorker.onmessage = onPreview;
  state.previewWorker.postMessage({ role: "preview", module });
}
