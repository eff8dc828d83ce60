// The tenant's events (TenantAdmin), filtered and paged.
import { api } from "./api.js";
import { pageNumber, pageParameter, pageQuery, pager } from "./pager.js";
import { attempt, copyButton, el, field, formatTime, listParameters, showInHash } from "./ui.js";

/** Every event type, with what a person calls it; the raw CloudEvents type is one click away on each event. */
const eventTypes = {
  "com.qlik.core.api-key.created": "Key created",
  "com.qlik.core.api-key.updated": "Key renamed",
  "com.qlik.core.api-key.deleted": "Key deleted or revoked",
  "com.apikeys.api-key.expired": "Key expired",
  "com.apikeys.api-key.suspended": "Key suspended",
  "com.apikeys.api-key.resumed": "Key resumed",
  "com.apikeys.api-key.rotated": "Key rotated",
  "com.apikeys.api-key.leaked": "Key reported leaked",
  "com.qlik.core.api-key.validation.failed": "Validations refused",
  "com.apikeys.api-key.usage.excessive": "Excessive usage",
  "com.qlik.core.api-keys-config.updated": "Settings changed",
  "com.apikeys.user.roles.updated": "Roles changed",
  "com.apikeys.user.removed": "Member removed",
  "com.apikeys.tenant.created": "Tenant created",
};

/** One line that says what happened, to what, and by whom: "Key "ci deploy" revoked by alice". */
export function describeEvent(event) {
  const data = event.data ?? {};
  const key = data.description ? `Key "${data.description}"` : "A key";
  const by = event.userid ? ` by ${event.userid}` : "";
  switch (event.type) {
    case "com.qlik.core.api-key.created":
      return `${key} created${by}${data.sub && data.sub !== event.userid ? ` for ${data.sub}` : ""}`;
    case "com.qlik.core.api-key.updated":
      return `${key} renamed${by}${data.previousDescription ? ` (was "${data.previousDescription}")` : ""}`;
    case "com.qlik.core.api-key.deleted":
      return data.status === "revoked"
        ? `${key} revoked${by}${data.reason ? `: ${data.reason}` : ""}`
        : `${key} deleted${by}`;
    case "com.apikeys.api-key.expired":
      return `${key} expired`;
    case "com.apikeys.api-key.rotated":
      return `${key} rotated${by}; it stops ${formatTime(data.stopsAt)}`;
    case "com.apikeys.api-key.leaked":
      return `${key} reported leaked by ${data.reporter === "github" ? "GitHub secret scanning" : "someone"}`
        + `${data.url ? ` at ${data.url}` : ""}; ${data.action === "revoked" ? "revoked" : "not revoked (the tenant only records reports)"}`;
    case "com.apikeys.api-key.suspended":
    case "com.apikeys.api-key.resumed":
      return `${key} ${event.type.endsWith("suspended") ? "suspended" : "resumed"}${by}${data.reason ? `: ${data.reason}` : ""}`;
    case "com.qlik.core.api-key.validation.failed": {
      const reasons = Object.entries(data.reasons ?? {}).map(([reason, count]) => `${count} ${reason}`).join(", ");
      return `${data.count ?? "Some"} validation${data.count === 1 ? "" : "s"} refused${reasons ? ` (${reasons})` : ""}`;
    }
    case "com.apikeys.api-key.usage.excessive":
      return `Excessive usage: ${data.observedPerMinute ?? "?"} validations in a minute`;
    case "com.qlik.core.api-keys-config.updated": {
      const changed = Object.keys(data.after ?? {}).filter((name) => JSON.stringify(data.after[name]) !== JSON.stringify(data.before?.[name]));
      return `Settings changed${by}${changed.length ? `: ${changed.map((name) => `${name} ${JSON.stringify(data.before?.[name])} → ${JSON.stringify(data.after[name])}`).join(", ")}` : ""}`;
    }
    case "com.apikeys.user.roles.updated":
      return `Roles of ${data.userId} set to ${(data.roles ?? []).join(", ") || "none"}${by}`;
    case "com.apikeys.user.removed":
      return `${data.userId} removed from the tenant${by}`;
    case "com.apikeys.tenant.created":
      return `Tenant "${data.name}" created, first admin ${data.firstAdmin}`;
    default:
      return event.type;
  }
}

/** What the list shows, as the hash and the API name it: the filters, and the page's cursor. */
const listed = ["type", "keyId", "userId", "since", "until", "startingAfter", "endingBefore", pageParameter];

/** A time for a datetime-local input, in the browser's zone, from an ISO instant. */
function localInput(instant) {
  if (!instant || Number.isNaN(Date.parse(instant))) {
    return "";
  }
  const date = new Date(instant);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export async function eventsView(main, { params }) {
  const type = el("select", { name: "type" }, el("option", { value: "" }, "Any type"),
    Object.entries(eventTypes).map(([value, label]) => el("option", { value }, label)));
  type.value = eventTypes[params.get("type")] ? params.get("type") : "";
  const keyId = el("input", { name: "keyId", maxlength: 128, autocomplete: "off", value: params.get("keyId") ?? "" });
  const userId = el("input", { name: "userId", maxlength: 128, autocomplete: "off", value: params.get("userId") ?? "" });
  const since = el("input", { type: "datetime-local", name: "since", value: localInput(params.get("since")) });
  const until = el("input", { type: "datetime-local", name: "until", value: localInput(params.get("until")) });
  const show = el("button", { type: "submit", class: "primary" }, "Show events");
  const filters = el("form", { class: "filters grid", "aria-label": "Filter events" },
    field("Type", type), field("Key ID", keyId), field("User", userId), field("Since", since), field("Until", until),
    el("div", { class: "actions" }, show));
  const results = el("div", { class: "results" });
  const apiUrl = (shown) => `/api/v1/audits?${pageQuery(shown)}`;
  const load = async (shown) => {
    const page = await attempt(show, () => api("GET", apiUrl(shown)));
    if (page) {
      results.replaceChildren(eventsPage(page, go, pageNumber(shown)));
    }
  };
  /** Shows the events of these parameters (a pager link's, or the form's) through the hash. */
  const go = (shown) => showInHash("#/admin/events", shown, listed, load);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    go(new URLSearchParams([
      ["type", type.value], ["keyId", keyId.value.trim()], ["userId", userId.value.trim()],
      ["since", since.value ? new Date(since.value).toISOString() : ""], ["until", until.value ? new Date(until.value).toISOString() : ""],
    ]));
  });
  main.replaceChildren(el("h1", {}, "Events"), filters, results);
  await load(listParameters(params, listed));
}

function eventsPage(page, load, number) {
  if (page.data.length === 0) {
    return el("p", { class: "empty" }, "No events match.");
  }
  return el("div", {},
    el("ul", { class: "events" }, page.data.map((event) => el("li", { "data-event-type": event.type },
      el("details", {},
        el("summary", {},
          el("time", { datetime: event.time, title: event.time }, formatTime(event.time)), " ",
          el("strong", {}, describeEvent(event)),
          event.keyid ? el("span", { class: "hint" }, " · key ", el("code", {}, event.keyid.slice(0, 8) + "…")) : null),
        el("p", {}, "Type ", el("code", {}, event.type)),
        event.keyid ? el("p", {}, "Key ID ", el("code", {}, event.keyid), " ", copyButton(event.keyid, "Copy key ID")) : null,
        el("pre", { class: "event-data" }, JSON.stringify(event.data, null, 2)))))),
    pager(page.links, load, { number, count: page.data.length }));
}
