// One key (#/keys/{id}), for its owner or a TenantAdmin: what it is, whose, its state and why, its times, its usage, its
// events (admins), and the actions the caller may take on it.
import { api } from "./api.js";
import { usageChart } from "./chart.js";
import { describeEvent } from "./events.js";
import { deleteButton, isLive, renameForm, revokeButton, suspendOrResumeButton } from "./keyactions.js";
import { copyButton, el, formatTime, relativeTime, status, timeAndDistance } from "./ui.js";

/** A key this close to its expiry is called out. */
const expiringSoonSeconds = 7 * 24 * 3600;

export async function keyDetailView(main, { me, isAdmin }, keyId) {
  const key = await api("GET", `/api/v1/api-keys/${encodeURIComponent(keyId)}`);
  const [usage, events] = await Promise.all([
    api("GET", `/api/v1/api-keys/${key.id}/usage?window=PT24H&bucket=PT1H`),
    isAdmin ? api("GET", `/api/v1/audits?keyId=${key.id}&limit=20`) : Promise.resolve(null),
  ]);
  const refresh = () => keyDetailView(main, { me, isAdmin }, keyId);
  const ending = events?.data.find((e) => e.type === "com.qlik.core.api-key.deleted" || e.type === "com.apikeys.api-key.expired"
    || (key.status === "suspended" && e.type === "com.apikeys.api-key.suspended"));
  const secondsLeft = (new Date(key.expiry).getTime() - Date.now()) / 1000;
  const soon = key.status === "active" && secondsLeft < expiringSoonSeconds;

  // A div, not main.replaceChildren, so the parts left out (an admin's events, the warning) are left out, not "null".
  main.replaceChildren(el("div", {},
    el("p", {}, el("a", { href: isAdmin && key.sub !== me.id ? "#/admin/keys" : "#/profile" }, "← Back to the keys")),
    el("h1", {}, key.description),
    soon ? el("p", { class: "warning", role: "note" }, `This key expires ${relativeTime(key.expiry)}. Generate its successor before then.`) : null,
    el("section", { class: "panel", "aria-label": "About this key" },
      el("dl", { class: "facts" },
        el("dt", {}, "Key ID"), el("dd", {}, el("code", {}, key.id), " ", copyButton(key.id, "Copy key ID")),
        el("dt", {}, "Owner"), el("dd", {}, key.sub, key.subType === "externalClient" ? " (external client)" : ""),
        el("dt", {}, "Status"), el("dd", {}, status(key.status), " ", why(key, ending)),
        el("dt", {}, "Created"), el("dd", { class: "when" }, timeAndDistance(key.created), key.createdByUser !== key.sub ? ` by ${key.createdByUser}` : ""),
        el("dt", {}, key.status === "expired" ? "Expired" : "Expires"), el("dd", { class: "when" }, timeAndDistance(key.expiry)),
        el("dt", {}, "Last used"), el("dd", { class: "when" }, key.lastUsed ? timeAndDistance(key.lastUsed) : "never")),
      actions(key, { me, isAdmin }, refresh)),
    el("section", { class: "chart" },
      el("h2", {}, `Usage, last 24 hours: ${usage.successes} successful, ${usage.failures} failed`),
      usageChart(usage, key.description)),
    events ? el("section", {},
      el("h2", {}, "Events"),
      events.data.length === 0 ? el("p", { class: "empty" }, "No events.") : el("ul", { class: "events" },
        events.data.map((event) => el("li", { "data-event-type": event.type },
          el("time", { datetime: event.time, title: event.time }, formatTime(event.time)), " ", el("strong", {}, describeEvent(event))))),
      el("p", {}, el("a", { href: `#/admin/events?keyId=${key.id}` }, "All of this key's events"))) : null));
}

/** Why a key that no longer works stopped: revoked by whom and when (with the reason given), or expired when. */
function why(key, ending) {
  if (key.status === "revoked") {
    return ending?.data?.status === "revoked"
      ? `by ${ending.userid ?? "the service"} ${relativeTime(ending.time)}${ending.data.reason ? `: ${ending.data.reason}` : ""}`
      : `since ${formatTime(key.lastUpdated)}`;
  }
  if (key.status === "expired") {
    return `on ${formatTime(key.expiry)}`;
  }
  if (key.status === "suspended") {
    return ending?.type === "com.apikeys.api-key.suspended"
      ? `by ${ending.userid} ${relativeTime(ending.time)}${ending.data.reason ? `: ${ending.data.reason}` : ""}; refused until resumed`
      : "refused until resumed";
  }
  return "";
}

/** What the caller may do here: rename an active key; as a TenantAdmin suspend, resume or revoke one; delete their own. */
function actions(key, { me, isAdmin }, refresh) {
  const bar = el("div", { class: "actions" });
  if (key.status === "active") {
    bar.append(el("button", {
      type: "button",
      onclick: () => {
        const rename = renameForm(key, { done: refresh, cancel: refresh });
        bar.replaceChildren(rename.form, ...rename.buttons);
        rename.focus();
      },
    }, "Rename"));
  }
  if (isAdmin && isLive(key)) {
    bar.append(suspendOrResumeButton(key, refresh), revokeButton(key, refresh));
  }
  if (key.sub === me.id && key.subType === "user") {
    bar.append(deleteButton(key, () => { location.hash = "#/profile"; }));
  }
  return bar;
}
