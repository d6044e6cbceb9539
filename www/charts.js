// The page's three live charts, drawn on plain canvases. Each chart's CSS size is fixed by
// styles.css (its height also in the canvas's data-height); the bitmap is that size ×
// devicePixelRatio and is never read back, so drawing cannot change the layout.

import { $, state } from "./state.js";

const COLOURS = {
  T1: "#c62828",
  T2: "#f9a825",
  T3: "#2e7d32",
  KIA: "#b71c1c",
  DOW: "#ef6c00",
  RTD: "#2e7d32",
  Remains_Role4: "#1565c0",
  NBD: "#6d4c41",
  day: "#1f6f8b",
};

/**
 * Sizes a chart's bitmap to its CSS box × devicePixelRatio. The CSS height is fixed (styles.css; the
 * same number is in data-height for drawing) and never read back from the bitmap, so redrawing on a
 * resize cannot grow the chart.
 */
function prepCanvas(canvas, cssWidth) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(100, cssWidth ?? canvas.clientWidth);
  const h = Number(canvas.dataset.height);
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = "12px system-ui, sans-serif";
  return { ctx, w, h };
}

/** Bars of casualties per day; returns the chart's text description. */
export function drawDays(canvas, perDay, cssWidth) {
  const { ctx, w, h } = prepCanvas(canvas, cssWidth);
  const n = perDay.length || 1;
  const max = Math.max(1, ...perDay);
  const left = Math.ceil(ctx.measureText(max.toLocaleString("en")).width) + 10;
  const bottom = 18;
  const plotW = w - left - 6;
  const plotH = h - bottom - 8;
  ctx.fillStyle = "#666";
  ctx.textAlign = "right";
  ctx.fillText(max.toLocaleString("en"), left - 4, 14);
  ctx.fillText("0", left - 4, h - bottom);
  ctx.strokeStyle = "#ccc";
  ctx.beginPath();
  ctx.moveTo(left, h - bottom + 0.5);
  ctx.lineTo(w - 6, h - bottom + 0.5);
  ctx.stroke();
  const bw = plotW / n;
  ctx.fillStyle = COLOURS.day;
  perDay.forEach((v, i) => {
    const bh = (plotH * v) / max;
    ctx.fillRect(left + i * bw + (bw > 4 ? 1 : 0), h - bottom - bh, Math.max(1, bw - (bw > 4 ? 2 : 0)), bh);
  });
  ctx.fillStyle = "#666";
  ctx.textAlign = "center";
  const step = Math.ceil(n / Math.max(1, Math.floor(plotW / 36)));
  for (let i = 0; i < n; i += step) ctx.fillText(String(i + 1), left + (i + 0.5) * bw, h - 4);
  return `Casualties per day: ${perDay.map((v, i) => `day ${i + 1}: ${v}`).join(", ")}`;
}

/** One horizontal bar per name, labelled with its share; returns the chart's text description. */
export function drawBars(canvas, names, values, cssWidth) {
  const { ctx, w, h } = prepCanvas(canvas, cssWidth);
  const total = values.reduce((a, b) => a + b, 0);
  const rowH = (h - 4) / names.length;
  const left = 74;
  const right = 64;
  const max = Math.max(1, ...values);
  names.forEach((name, i) => {
    const y = 2 + i * rowH;
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(name === "Remains_Role4" ? "Remains R4" : name, 2, y + rowH / 2);
    ctx.fillStyle = "#eee";
    ctx.fillRect(left, y + 3, w - left - right, rowH - 6);
    ctx.fillStyle = COLOURS[name] ?? "#555";
    ctx.fillRect(left, y + 3, ((w - left - right) * values[i]) / max, rowH - 6);
    ctx.fillStyle = "#333";
    ctx.textAlign = "right";
    ctx.fillText(total ? `${((100 * values[i]) / total).toFixed(1)} %` : "—", w - 2, y + rowH / 2);
  });
  return names.map((n, i) => `${n}: ${values[i]}`).join(", ");
}

// ---------------------------------------------------------------------------------------------
// The page's charts: drawn from the counters of the chunks written so far.

// Canvas widths come from a ResizeObserver, so drawing never forces a layout.
export const canvasWidths = new WeakMap();
export const canvasObserver = new ResizeObserver((entries) => {
  for (const e of entries) canvasWidths.set(e.target, e.contentRect.width);
  drawCharts(state.run?.last ?? state.lastCounters ?? emptyCounters());
});

export function drawCharts(c) {
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

export function emptyCounters() {
  const days = state.resolved?.days_of_fighting ?? 8;
  return { perDay: new Array(days).fill(0), triage: [0, 0, 0], outcomes: [0, 0, 0, 0, 0] };
}

/** Redraws the charts when their size or the devicePixelRatio changes. */
export function observeCharts() {
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
