// Administration (TenantAdmin): the tenant's keys, settings, events, usage, and users with their roles.
import { api, relative, replace } from "./api.js";
import { attempt, confirmAction, copyButton, durationWords, el, field, formatTime, showError, showInfo, status } from "./ui.js";

// ---- Keys: search, filter, sort, page; revoke one or several -------------------------------------------------------

const sorts = [
  ["-created", "Newest first"], ["+created", "Oldest first"], ["+description", "Description A–Z"],
  ["-description", "Description Z–A"], ["+sub", "Owner A–Z"], ["+status", "Status"], ["+createdByUser", "Created by"],
];

export async function adminKeysView(main) {
  const q = el("input", { type: "search", name: "q", maxlength: 256, placeholder: "Name, key ID or owner" });
  const statusFilter = el("select", { name: "status" },
    el("option", { value: "" }, "Any status"), ["active", "expired", "revoked"].map((s) => el("option", { value: s }, s)));
  const sort = el("select", { name: "sort" }, sorts.map(([value, label]) => el("option", { value }, label)));
  const search = el("button", { type: "submit" }, "Search");
  const filters = el("form", { class: "filters", role: "search", "aria-label": "Search keys" },
    field("Search", q), field("Status", statusFilter), field("Sort", sort), el("div", { class: "actions" }, search));
  const results = el("div", { class: "results" });
  const query = () => {
    const params = new URLSearchParams({ limit: "20", sort: sort.value });
    if (q.value.trim()) {
      params.set("q", q.value.trim());
    }
    if (statusFilter.value) {
      params.set("status", statusFilter.value);
    }
    return `/api/v1/api-keys?${params}`;
  };
  const load = async (url) => {
    const page = await attempt(search, () => api("GET", url));
    if (page) {
      results.replaceChildren(keysPage(page, () => load(url), load));
    }
  };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load(query());
  });
  statusFilter.addEventListener("change", () => load(query()));
  sort.addEventListener("change", () => load(query()));
  main.replaceChildren(el("h1", {}, "Keys in this tenant"), filters, results);
  await load(query());
}

function keysPage(page, reload, load) {
  const selected = new Set();
  const revokeSelected = el("button", { type: "button", class: "danger", disabled: true, "aria-describedby": "select-why" }, "Revoke selected");
  const selectWhy = el("small", { id: "select-why", class: "why" }, "Select active keys to revoke them together.");
  const updateSelection = () => {
    revokeSelected.disabled = selected.size === 0;
    revokeSelected.textContent = selected.size === 0 ? "Revoke selected" : `Revoke selected (${selected.size})`;
    selectWhy.hidden = selected.size > 0;
  };
  revokeSelected.addEventListener("click", async () => {
    const ids = [...selected];
    if (!await confirmAction(`Revoke ${ids.length} keys? Revoking is final.`, "Revoke keys")) {
      return;
    }
    const result = await attempt(revokeSelected, () => api("POST", "/api/v1/api-keys/actions/revoke", { ids }));
    if (result) {
      await reload();
      const failed = result.data.filter((r) => r.error);
      if (failed.length > 0) {
        showError(new Error(`${ids.length - failed.length} revoked; ${failed.length} not: ${failed.map((f) => `${f.id} (${f.error.title})`).join(", ")}.`));
      } else {
        showInfo(`Revoked ${ids.length} keys.`);
      }
    }
  });

  const rows = page.data.map((key) => {
    const active = key.status === "active";
    const pick = el("input", {
      type: "checkbox",
      "aria-label": `Select ${key.description}`,
      disabled: !active,
      title: active ? null : "Only active keys can be revoked.",
      onchange: (event) => {
        if (event.target.checked) {
          selected.add(key.id);
        } else {
          selected.delete(key.id);
        }
        updateSelection();
      },
    });
    const revoke = el("button", {
      type: "button",
      class: "danger",
      disabled: !active,
      title: active ? null : `This key is ${key.status}; only active keys can be revoked.`,
      onclick: async () => {
        if (await confirmAction(`Revoke "${key.description}" (owner ${key.sub})? Revoking is final.`, "Revoke key")) {
          if (await attempt(revoke, () => api("POST", `/api/v1/api-keys/${key.id}/actions/revoke`))) {
            await reload();
            showInfo(`Revoked "${key.description}".`);
          }
        }
      },
    }, "Revoke");
    return el("tr", { "data-key-id": key.id },
      el("td", {}, pick),
      el("td", { "data-label": "Description" }, key.description),
      el("td", { "data-label": "Key ID" }, el("code", {}, key.id)),
      el("td", { "data-label": "Owner" }, key.sub),
      el("td", { "data-label": "Status" }, status(key.status)),
      el("td", { "data-label": "Created" }, formatTime(key.created)),
      el("td", { "data-label": "Expires" }, formatTime(key.expiry)),
      el("td", { "data-label": "Last used" }, formatTime(key.lastUsed)),
      el("td", { "data-label": "Actions" }, revoke));
  });
  return el("div", {},
    el("div", { class: "actions" }, revokeSelected, selectWhy),
    page.data.length === 0
      ? el("p", { class: "empty" }, "No keys match.")
      : el("table", { class: "keys" },
        el("thead", {}, el("tr", {}, ["", "Description", "Key ID", "Owner", "Status", "Created", "Expires", "Last used", ""].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows)),
    pager(page.links, load));
}

function pager(links, load) {
  const previous = relative(links.prev);
  const next = relative(links.next);
  return el("nav", { class: "pager", "aria-label": "Pages" },
    el("button", { type: "button", disabled: !previous, onclick: () => load(previous) }, "Previous page"),
    el("button", { type: "button", disabled: !next, onclick: () => load(next) }, "Next page"));
}

// ---- Settings -------------------------------------------------------------------------------------------------------

export async function settingsView(main, { me }) {
  const path = `/api/v1/api-keys/configs/${encodeURIComponent(me.tenantId)}`;
  const config = await api("GET", path);
  const enabled = el("input", { type: "checkbox", name: "api_keys_enabled", checked: config.api_keys_enabled });
  const maxExpiry = el("input", { name: "max_api_key_expiry", value: config.max_api_key_expiry, required: true, pattern: "P.+" });
  const maxKeys = el("input", { type: "number", name: "max_keys_per_user", min: 0, max: 1000, required: true, value: config.max_keys_per_user });
  const clientExpiry = el("input", { name: "scim_externalClient_expiry", value: config.scim_externalClient_expiry, required: true, pattern: "P.+" });
  const perMinute = el("input", { type: "number", name: "excessive_usage_per_minute", min: 0, required: true, value: config.excessive_usage_per_minute });
  const factor = el("input", { type: "number", name: "excessive_usage_factor", min: 0, required: true, value: config.excessive_usage_factor });
  const save = el("button", { type: "submit" }, "Save settings");
  const form = el("form", { class: "settings", "aria-label": "API key settings" },
    el("label", { class: "check" }, enabled, el("span", {}, "Enable API keys for this tenant")),
    field("Maximum expiry of a key", maxExpiry, `An ISO 8601 duration, e.g. P30D for 30 days; now ${durationWords(config.max_api_key_expiry)}.`),
    field("Maximum active keys per user", maxKeys, "0 to 1000."),
    field("Maximum expiry of an external client's key", clientExpiry, "An ISO 8601 duration."),
    field("Excessive usage: validations per minute", perMinute, "A key above this in a minute raises an event; 0 turns the fixed threshold off."),
    field("Excessive usage: times the key's own baseline", factor, "0 turns the baseline rule off."),
    el("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = replace({
      "/api_keys_enabled": enabled.checked,
      "/max_api_key_expiry": maxExpiry.value.trim(),
      "/max_keys_per_user": Number(maxKeys.value),
      "/scim_externalClient_expiry": clientExpiry.value.trim(),
      "/excessive_usage_per_minute": Number(perMinute.value),
      "/excessive_usage_factor": Number(factor.value),
    });
    if (await attempt(save, () => api("PATCH", path, changes)) !== undefined) {
      showInfo("Settings saved.");
    }
  });
  main.replaceChildren(el("h1", {}, "API key settings"), form);
}

// ---- Events ---------------------------------------------------------------------------------------------------------

const eventTypes = [
  "com.qlik.core.api-key.created", "com.qlik.core.api-key.updated", "com.qlik.core.api-key.deleted",
  "com.qlik.core.api-key.validation.failed", "com.qlik.core.api-keys-config.updated", "com.apikeys.api-key.expired",
  "com.apikeys.api-key.usage.excessive", "com.apikeys.user.roles.updated", "com.apikeys.user.removed",
];

export async function eventsView(main) {
  const type = el("select", { name: "type" }, el("option", { value: "" }, "Any type"), eventTypes.map((t) => el("option", { value: t }, t)));
  const keyId = el("input", { name: "keyId", maxlength: 128, autocomplete: "off" });
  const userId = el("input", { name: "userId", maxlength: 128, autocomplete: "off" });
  const since = el("input", { type: "datetime-local", name: "since" });
  const until = el("input", { type: "datetime-local", name: "until" });
  const show = el("button", { type: "submit" }, "Show events");
  const filters = el("form", { class: "filters", "aria-label": "Filter events" },
    field("Type", type), field("Key ID", keyId), field("User", userId), field("Since", since), field("Until", until),
    el("div", { class: "actions" }, show));
  const results = el("div", { class: "results" });
  const query = () => {
    const params = new URLSearchParams({ limit: "20" });
    for (const [name, value] of [["type", type.value], ["keyId", keyId.value.trim()], ["userId", userId.value.trim()]]) {
      if (value) {
        params.set(name, value);
      }
    }
    for (const [name, input] of [["since", since], ["until", until]]) {
      if (input.value) {
        params.set(name, new Date(input.value).toISOString());
      }
    }
    return `/api/v1/audits?${params}`;
  };
  const load = async (url) => {
    const page = await attempt(show, () => api("GET", url));
    if (page) {
      results.replaceChildren(eventsPage(page, load));
    }
  };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load(query());
  });
  main.replaceChildren(el("h1", {}, "Events"), filters, results);
  await load(query());
}

function eventsPage(page, load) {
  if (page.data.length === 0) {
    return el("p", { class: "empty" }, "No events match.");
  }
  return el("div", {},
    el("ul", { class: "events" }, page.data.map((event) => el("li", { "data-event-type": event.type },
      el("details", {},
        el("summary", {},
          el("time", { datetime: event.time }, formatTime(event.time)), " ",
          el("strong", {}, event.type), event.userid ? ` by ${event.userid}` : ""),
        event.keyid ? el("p", {}, "Key ID ", el("code", {}, event.keyid), " ", copyButton(event.keyid, "Copy key ID")) : null,
        el("pre", { class: "event-data" }, JSON.stringify(event.data, null, 2)))))),
    pager(page.links, load));
}

// ---- Usage ------------------------------------------------------------------------------------------------------------

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

// ---- Users and roles --------------------------------------------------------------------------------------------------

const roleNames = ["TenantAdmin", "Developer"];

export async function usersView(main, { me }) {
  const list = await api("GET", "/api/v1/users");
  const userId = el("input", { name: "userId", required: true, maxlength: 128, autocomplete: "off" });
  const newRoles = roleNames.map((role) => el("input", { type: "checkbox", value: role, checked: role === "Developer" }));
  const add = el("button", { type: "submit" }, "Add or update user");
  const form = el("form", { class: "add-user", "aria-label": "Add a user" },
    field("User ID", userId),
    el("fieldset", {}, el("legend", {}, "Roles"), newRoles.map((box) => el("label", { class: "check" }, box, el("span", {}, box.value)))),
    el("div", { class: "actions" }, add));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await setRoles(add, userId.value.trim(), newRoles)) {
      usersView(main, { me });
    }
  });
  main.replaceChildren(
    el("h1", {}, "Users and roles"),
    el("table", { class: "users" },
      el("thead", {}, el("tr", {}, ["User", ...roleNames, ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.data.map((user) => userRow(user, me, () => usersView(main, { me }))))),
    el("h2", {}, "Add a user"),
    form);
}

function userRow(user, me, refresh) {
  const has = new Set(user.assignedRoles.map((r) => r.name));
  const boxes = roleNames.map((role) => el("input", { type: "checkbox", value: role, checked: has.has(role), "aria-label": `${role} for ${user.id}` }));
  const save = el("button", { type: "button", onclick: async () => { if (await setRoles(save, user.id, boxes)) { refresh(); } } }, "Save roles");
  const self = user.id === me.id;
  const remove = el("button", {
    type: "button",
    class: "danger",
    disabled: self,
    title: self ? "You cannot remove yourself." : null,
    onclick: async () => {
      if (await confirmAction(`Remove ${user.id} from the tenant? Their active keys are revoked.`, "Remove user")) {
        if (await attempt(remove, () => api("DELETE", `/api/v1/users/${encodeURIComponent(user.id)}`)) !== undefined) {
          showInfo(`Removed ${user.id}.`);
          refresh();
        }
      }
    },
  }, "Remove");
  return el("tr", { "data-user-id": user.id },
    el("td", { "data-label": "User" }, user.id),
    boxes.map((box) => el("td", { "data-label": box.value }, box)),
    el("td", { class: "row-actions" }, save, remove));
}

async function setRoles(button, userId, boxes) {
  const assignedRoles = boxes.filter((b) => b.checked).map((b) => ({ name: b.value }));
  const done = await attempt(button, () => api("PATCH", `/api/v1/users/${encodeURIComponent(userId)}`, replace({ "/assignedRoles": assignedRoles })));
  if (done !== undefined) {
    showInfo(`Roles of ${userId} saved.`);
    return true;
  }
  return false;
}
