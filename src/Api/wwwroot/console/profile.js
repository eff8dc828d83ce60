// Profile › API keys: the signed-in user's own keys. Generate (the token shown once), rename, delete, delete all.
import { api, relative } from "./api.js";
import { deleteButton, isLive, keyLink, renameForm, rotateButton, shortKeyId } from "./keyactions.js";
import { attempt, confirmAction, copyButton, durationSeconds, durationWords, el, field, relativeTime, showInfo, status, timeCell } from "./ui.js";

const lifetimes = ["PT1H", "P1D", "P7D", "P30D", "P90D", "P365D"];

/** The screen; after a generation it is drawn again with the new key shown once at its top. */
export async function profileView(main, context, issued = null) {
  const { me, isDeveloper } = context;
  const refresh = () => profileView(main, context);
  const config = await api("GET", `/api/v1/api-keys/configs/${encodeURIComponent(me.tenantId)}`);
  const keys = await myKeys(me);
  // Suspended keys hold their place under the limit too; a rotated key working out its grace does not.
  const active = keys.filter((k) => isLive(k) && !k.rotatedTo).length;

  const description = el("input", { name: "description", required: true, maxlength: 256, autocomplete: "off" });
  const maxSeconds = durationSeconds(config.max_api_key_expiry);
  const expiry = el("select", { name: "expiry" },
    el("option", { value: "" }, `Tenant maximum (${durationWords(config.max_api_key_expiry)})`),
    lifetimes.filter((l) => durationSeconds(l) < maxSeconds).map((l) => el("option", { value: l }, durationWords(l))));
  const why = !config.api_keys_enabled
    ? "API keys are turned off for this tenant. A tenant admin can turn them on under Settings."
    : !isDeveloper ? "Generating keys needs the Developer role. Ask a tenant admin to assign it."
    : active >= config.max_keys_per_user
      ? `You have ${active} of ${config.max_keys_per_user} active keys, the most this tenant allows (suspended ones count too). Delete one to generate another.`
      : null;
  const generate = el("button", { type: "submit", class: "primary", disabled: why !== null, "aria-describedby": why ? "generate-why" : null }, "Generate new key");
  const shown = el("div", { class: "token-once", hidden: true });
  const form = el("form", { class: "generate", "aria-label": "Generate new key" },
    field("Description", description, "Up to 256 characters, to tell your keys apart."),
    field("Expires after", expiry),
    el("div", { class: "actions" }, generate),
    why ? el("p", { id: "generate-why", class: "why" }, why) : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { description: description.value };
    if (expiry.value) {
      body.expiry = expiry.value;
    }
    const created = await attempt(generate, () => api("POST", "/api/v1/api-keys", body));
    if (created) {
      await profileView(main, context, created);
    }
  });

  main.replaceChildren(
    el("h1", {}, "My API keys"),
    el("p", { class: "lead" }, `${active} of ${config.max_keys_per_user} active keys allowed in this tenant.`),
    shown,
    form,
    keyTable(keys, { refresh, issuedId: issued?.id, refused: !config.api_keys_enabled, maxGrace: config.max_rotation_grace,
      rotated: (next) => profileView(main, context, next) }),
    keys.length > 0 ? el("div", { class: "actions" }, deleteAllButton(keys, refresh)) : null);
  if (issued) {
    showToken(shown, issued, () => description.focus());
  }
}

async function myKeys(me) {
  const keys = [];
  let next = `/api/v1/api-keys?sub=${encodeURIComponent(me.id)}&limit=100`;
  while (next) {
    const page = await api("GET", next);
    keys.push(...page.data);
    next = relative(page.links.next);
  }
  return keys;
}

/** The new key, once: a copy button and the warning. Leaving the panel removes the token from the page. */
function showToken(panel, issued, done) {
  const token = el("input", { readonly: true, value: issued.token, "aria-label": "New API key", class: "token", spellcheck: "false" });
  const stored = el("button", {
    type: "button",
    class: "primary",
    onclick: () => {
      panel.replaceChildren();
      panel.hidden = true;
      done();
    },
  }, "I have stored it");
  panel.replaceChildren(
    el("h2", {}, issued.rotatedFrom ? `Key "${issued.description}" rotated: its new key` : `Key "${issued.description}" generated`),
    el("p", { class: "warning" }, "Copy this key now. It is shown only this once and cannot be retrieved later: if you lose it, generate a new one."),
    el("div", { class: "copy-row" }, token, copyButton(issued.token, "Copy")),
    el("div", { class: "actions" }, stored));
  panel.hidden = false;
  token.focus();
  token.select();
}

function keyTable(keys, options) {
  if (keys.length === 0) {
    return el("p", { class: "empty" }, "You have no API keys yet.");
  }
  return el("table", { class: "keys" },
    el("thead", {}, el("tr", {}, ["Description", "Key ID", "Status", "Created", "Expires", "Last used", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, keys.map((key) => keyRow(key, options))));
}

function keyRow(key, { refresh, issuedId, refused, maxGrace, rotated }) {
  const isNew = key.id === issuedId;
  const name = el("td", { "data-label": "Description" }, keyLink(key), isNew ? el("span", { class: "tag" }, "just generated") : null);
  const actions = el("div", { class: "row-actions" });
  const rename = key.status === "active"
    ? el("button", { type: "button", onclick: () => renameInPlace(name, actions, key, refresh) }, "Rename")
    : null;
  actions.append(...[rename, rotateButton(key, maxGrace, rotated), deleteButton(key, refresh)].filter(Boolean));
  const id = el("td", { "data-label": "Key ID" }, shortKeyId(key.id));
  const state = el("td", { "data-label": "Status" }, status(key.status),
    refused && key.status === "active" ? el("span", { class: "refused" }, "refused while API keys are off") : null,
    key.rotatedTo && key.status === "active" ? el("span", { class: "rotated" }, `replaced; stops ${relativeTime(key.expiry)}`) : null);
  return el("tr", { "data-key-id": key.id, class: isNew ? "new" : null },
    name,
    id,
    state,
    timeCell("Created", key.created),
    timeCell("Expires", key.expiry),
    timeCell("Last used", key.lastUsed),
    el("td", { "data-label": "Actions" }, actions));
}

/**
 * Edits the description in its own cell, Save and Cancel standing where the row's actions were, so the row keeps its
 * size; until it is saved or cancelled.
 */
function renameInPlace(cell, actions, key, refresh) {
  const kept = [...actions.children];
  const rename = renameForm(key, {
    done: refresh,
    cancel: () => {
      cell.replaceChildren(keyLink(key));
      actions.replaceChildren(...kept);
    },
  });
  cell.replaceChildren(rename.form);
  actions.replaceChildren(...rename.buttons);
  rename.focus();
}

function deleteAllButton(keys, refresh) {
  const button = el("button", {
    type: "button",
    class: "danger",
    onclick: async () => {
      if (await confirmAction(`Delete all ${keys.length} of your keys? Everything using them stops working.`, "Delete all my keys")) {
        const result = await attempt(button, () => api("POST", "/api/v1/api-keys/actions/delete-mine"));
        if (result) {
          showInfo(`Deleted ${result.deleted ?? keys.length} keys.`);
          refresh();
        }
      }
    },
  }, "Delete all my keys");
  return button;
}
