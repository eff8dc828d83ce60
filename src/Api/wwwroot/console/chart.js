// A key's validations over time: stacked bars with a labelled scale and time axis, and the same figures as a table
// for whoever cannot or would rather not read a chart.
import { durationWords, el, formatTime } from "./ui.js";

const svgNs = "http://www.w3.org/2000/svg";

function svgElement(tag, attributes, text) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/** The chart and its table for one usage answer (GET /api/v1/api-keys/{id}/usage). */
export function usageChart(usage, name) {
  const peak = Math.max(1, ...usage.data.map((b) => b.successes + b.failures));
  const [width, height, left, bottom, top] = [720, 200, 48, 28, 8];
  const plot = { width: width - left - 8, height: height - bottom - top };
  const barWidth = plot.width / Math.max(1, usage.data.length);
  const y = (value) => top + plot.height - (value / peak) * plot.height;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `Validations of ${name} per ${durationWords(usage.bucket)}: ${usage.successes} successful, ${usage.failures} failed; the table below has each figure` });
  // The scale: 0, half and the peak, with light grid lines.
  for (const value of [0, Math.round(peak / 2), peak]) {
    svg.append(svgElement("line", { x1: left, x2: width - 8, y1: y(value), y2: y(value), class: "grid" }),
      svgElement("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", class: "axis" }, String(value)));
  }
  usage.data.forEach((b, i) => {
    for (const [value, offset, kind] of [[b.successes, 0, "ok"], [b.failures, b.successes, "failed"]]) {
      if (value > 0) {
        const rect = svgElement("rect", { x: left + i * barWidth, y: y(offset + value), width: Math.max(1, barWidth - 1),
          height: y(offset) - y(offset + value), class: kind });
        rect.append(svgElement("title", {}, `${formatTime(b.start)}: ${value} ${kind === "ok" ? "successful" : "failed"}`));
        svg.append(rect);
      }
    }
  });
  // The time axis: where the window starts and ends.
  const first = usage.data[0]?.start;
  const last = usage.data.at(-1)?.start;
  if (first) {
    svg.append(svgElement("text", { x: left, y: height - 8, "text-anchor": "start", class: "axis" }, formatTime(first)),
      svgElement("text", { x: width - 8, y: height - 8, "text-anchor": "end", class: "axis" }, formatTime(last)));
  }
  const used = usage.data.filter((b) => b.successes + b.failures > 0);
  const table = el("details", { class: "chart-table" },
    el("summary", {}, "Show as a table"),
    used.length === 0 ? el("p", { class: "empty" }, "No validations in this window.") : el("table", { class: "usage-buckets" },
      el("thead", {}, el("tr", {}, ["From", "Successful", "Failed"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, used.map((b) => el("tr", {},
        el("td", { "data-label": "From" }, formatTime(b.start)),
        el("td", { "data-label": "Successful" }, String(b.successes)),
        el("td", { "data-label": "Failed" }, String(b.failures)))))));
  return el("div", { class: "chart-body" },
    svg,
    el("p", { class: "legend" }, el("span", { class: "ok" }, "■ successful"), " ", el("span", { class: "failed" }, "■ failed"),
      ` validations per ${durationWords(usage.bucket)}; last used ${formatTime(usage.lastUsed)}.`),
    table);
}
