// Usage (TenantAdmin): the tenant's keys ranked by use, and one key's validations over time.
import { api } from "./api.js";
import { usageChart } from "./chart.js";
import { keyLink, shortKeyId } from "./keyactions.js";
import { attempt, el, field } from "./ui.js";

const windows = [["PT1H", "PT1M", "Last hour"], ["PT24H", "PT1H", "Last 24 hours"], ["P7D", "PT6H", "Last 7 days"], ["P30D", "P1D", "Last 30 days"]];

export async function usageView(main) {
  const window = el("select", { name: "window" }, windows.map(([value, , label]) => el("option", { value }, label)));
  window.value = "PT24H";
  const top = el("div", { class: "results" });
  // No empty box before a key is chosen: the chart appears with its first key.
  const chart = el("section", { class: "chart", "aria-live": "polite", hidden: true });
  const load = async () => {
    const result = await attempt(window, () => api("GET", `/api/v1/api-keys/usage?window=${window.value}&limit=20`));
    if (result) {
      top.replaceChildren(topKeys(result, (key) => keyChart(chart, key, window.value)));
    }
  };
  window.addEventListener("change", load);
  main.replaceChildren(el("h1", {}, "Usage"), el("div", { class: "filters compact" }, field("Window", window)), top, chart);
  await load();
}

function topKeys(result, pick) {
  if (result.data.length === 0) {
    return el("p", { class: "empty" }, "No key was used in this window.");
  }
  return el("table", { class: "usage" },
    el("thead", {}, el("tr", {}, ["Key", "Owner", "Successful", "Failed", ""].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, result.data.map((entry) => el("tr", { "data-key-id": entry.key.id },
      el("td", { "data-label": "Key" }, keyLink(entry.key), " ", shortKeyId(entry.key.id)),
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
  section.hidden = false;
  section.replaceChildren(
    el("h2", {}, keyLink(key), `: ${usage.successes} successful, ${usage.failures} failed`),
    usageChart(usage, key.description));
}
