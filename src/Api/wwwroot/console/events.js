// The tenant's events (TenantAdmin), filtered and paged.
import { api } from "./api.js";
import { pager } from "./pager.js";
import { attempt, copyButton, el, field, formatTime } from "./ui.js";

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
  const show = el("button", { type: "submit", class: "primary" }, "Show events");
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
