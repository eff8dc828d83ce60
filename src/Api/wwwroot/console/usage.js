// Usage (TenantAdmin): the tenant's keys ranked by use, and one key's validations over time.
import { api } from "./api.js";
import { attempt, durationWords, el, field, formatTime } from "./ui.js";

const windows = [["PT1H", "PT1M", "Last hour"], ["PT24H", "PT1H", "Last 24 hours"], ["P7D", "PT6H", "Last 7 days"], ["P30D", "P1D", "Last 30 days"]];

export async function usageView(main) {
  const window = el("select", { name: "window" }, windows.map(([value, , label]) => el("option", { value }, label)));
  window.value = "PT24H";
  const top = el("div", { class: "results" });
  const chart = el("section", { class: "chart", "aria-live": "polite" });
  const load = async () => {
    const result = await attempt(window, () => api("GET", `/api/v1/api-keys/usage?window=${window.value}&limit=20`));
    if (result) {
      top.replaceChildren(topKeys(result, (key) => keyChart(chart, key, window.value)));
    }
  };
  window.addEventListener("change", load);
  main.replaceChildren(el("h1", {}, "Usage"), field("Window", window), top, chart);
  await load();
}

function topKeys(result, pick) {
  if (result.data.length === 0) {
    return el("p", { class: "empty" }, "No key was used in this window.");
  }
  return el("table", { class: "usage" },
    el("thead", {}, el("tr", {}, ["Key", "Owner", "Successful", "Failed", ""].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, result.data.map((entry) => el("tr", { "data-key-id": entry.key.id },
      el("td", { "data-label": "Key" }, entry.key.description, " ", el("code", {}, entry.key.id)),
      el("td", { "data-label": "Owner" }, entry.key.sub),
      el("td", { "data-label": "Successful" }, String(entry.successes)),
      el("td", { "data-label": "Failed" }, String(entry.failures)),
      el("td", {}, el("button", { type: "button", onclick: () => pick(entry.key) }, "Chart"))))));
}

async function keyChart(section, key, windowValue) {
  const [, bucket] = windows.find(([value]) => value === windowValue);
  const usage = await attempt(section, () => api("GET", `/api/v1/api-keys/${key.id}/usage?window=${windowValue}&bucket=${bucket}`));
  if (!usage) {
    return;
  }
  const peak = Math.max(1, ...usage.data.map((b) => b.successes + b.failures));
  const width = 720;
  const height = 180;
  const barWidth = width / Math.max(1, usage.data.length);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Validations of ${key.description} per ${durationWords(bucket)}: ${usage.successes} successful, ${usage.failures} failed`);
  usage.data.forEach((b, i) => {
    for (const [value, offset, kind] of [[b.successes, 0, "ok"], [b.failures, b.successes, "failed"]]) {
      if (value > 0) {
        const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        const barHeight = (value / peak) * (height - 10);
        rect.setAttribute("x", String(i * barWidth));
        rect.setAttribute("y", String(height - (offset / peak) * (height - 10) - barHeight));
        rect.setAttribute("width", String(Math.max(1, barWidth - 1)));
        rect.setAttribute("height", String(barHeight));
        rect.setAttribute("class", kind);
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = `${formatTime(b.start)}: ${value} ${kind === "ok" ? "successful" : "failed"}`;
        rect.append(title);
        svg.append(rect);
      }
    }
  });
  section.replaceChildren(
    el("h2", {}, `${key.description}: ${usage.successes} successful, ${usage.failures} failed`),
    svg,
    el("p", { class: "legend" }, el("span", { class: "ok" }, "successful"), " ", el("span", { class: "failed" }, "failed"),
      ` per ${durationWords(bucket)}; last used ${formatTime(usage.lastUsed)}.`));
}
