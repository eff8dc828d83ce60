// What a person can do to one key, the same wherever the key is shown (my keys, the tenant's keys, the key's page):
// each asks first when it cannot be undone, calls the API, says what happened, then hands over to the screen.
import { api, replace } from "./api.js";
import { attempt, confirmAction, durationSeconds, durationWords, el, formatTime, reasonDialog, showInfo, valueDialog } from "./ui.js";

/** The first 8 of a key id's 24 hex digits, which tell a person's keys apart; screen readers get the whole id. */
export function shortKeyId(id) {
  return el("code", { class: "key-id", title: id, "aria-label": id }, `${id.slice(0, 8)}…`);
}

/** A link to the key's page, named by its description. */
export function keyLink(key) {
  return el("a", { href: `#/keys/${key.id}` }, key.description);
}

/**
 * Renaming the key: the form holds only the new description, and its Save and Cancel buttons stand apart (tied to it
 * by the form attribute), so a table row can put them where its own actions were and keep its size. <c>done</c> after
 * the rename is saved, <c>cancel</c> to put back what it replaced.
 */
export function renameForm(key, { done, cancel }) {
  const id = `rename-${key.id}`;
  const input = el("input", { value: key.description, required: true, maxlength: 256, size: 1, "aria-label": "New description" });
  const form = el("form", { class: "inline", id }, input);
  const save = el("button", { type: "submit", class: "primary", form: id }, "Save");
  const buttons = [save, el("button", { type: "button", onclick: cancel }, "Cancel")];
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await attempt(save, () => api("PATCH", `/api/v1/api-keys/${key.id}`, replace({ "/description": input.value }))) !== undefined) {
      showInfo(`Renamed to "${input.value}".`);
      done();
    }
  });
  return { form, buttons, focus: () => input.focus() };
}

export function deleteButton(key, done) {
  const button = el("button", {
    type: "button",
    class: "danger",
    onclick: async () => {
      if (await confirmAction(`Delete the key "${key.description}"? Anything using it stops working.`, "Delete key")
        && await attempt(button, () => api("DELETE", `/api/v1/api-keys/${key.id}`)) !== undefined) {
        showInfo(`Deleted "${key.description}".`);
        done();
      }
    },
  }, "Delete");
  return button;
}

/** Revoke, for a TenantAdmin; disabled, with the reason, on a key that is over (expired or revoked). */
export function revokeButton(key, done) {
  const live = isLive(key);
  const button = el("button", {
    type: "button",
    class: "danger",
    disabled: !live,
    title: live ? null : `This key is ${key.status}; only active and suspended keys can be revoked.`,
    onclick: async () => {
      if (await confirmAction(`Revoke "${key.description}" (owner ${key.sub})? Revoking is final.`, "Revoke key")
        && await attempt(button, () => api("POST", `/api/v1/api-keys/${key.id}/actions/revoke`))) {
        await done();
        showInfo(`Revoked "${key.description}".`);
      }
    },
  }, "Revoke");
  return button;
}

/** Active and suspended keys are not over yet: they can still be revoked, and count toward the owner's limit. */
export function isLive(key) {
  return key.status === "active" || key.status === "suspended";
}

/**
 * Suspend an active key or resume a suspended one, for a TenantAdmin, with an optional reason; nothing for a key that
 * is over. Suspending is reversible, so it asks for a reason rather than for a confirmation of something final.
 */
export function suspendOrResumeButton(key, done) {
  if (!isLive(key)) {
    return null;
  }
  const suspend = key.status === "active";
  const [verb, past] = suspend ? ["Suspend", "Suspended"] : ["Resume", "Resumed"];
  const question = suspend
    ? `Suspend "${key.description}" (owner ${key.sub})? It is refused until someone resumes it.`
    : `Resume "${key.description}" (owner ${key.sub})? It validates again at once.`;
  const button = el("button", {
    type: "button",
    onclick: async () => {
      const reason = await reasonDialog(question, `${verb} key`);
      if (reason !== null && await attempt(button, () => api("POST", `/api/v1/api-keys/${key.id}/actions/${verb.toLowerCase()}`,
        reason ? { reason } : undefined))) {
        await done();
        showInfo(`${past} "${key.description}".`);
      }
    },
  }, verb);
  return button;
}

/** How long the old key may keep working after a rotation, offered up to the tenant's longest. */
const graces = ["PT0S", "PT1H", "P1D", "P7D", "P30D"];

/**
 * Rotate an active key that has no successor yet: asks how long the old key keeps working (at once, for a leak, up to
 * the tenant's max_rotation_grace), then hands the new key, with its token, to <c>done</c>, which shows it once.
 */
export function rotateButton(key, maxGrace, done) {
  if (key.status !== "active" || key.rotatedTo) {
    return null;
  }
  const button = el("button", {
    type: "button",
    onclick: async () => {
      const longest = durationSeconds(maxGrace);
      const choices = [...new Set([...graces.filter((g) => durationSeconds(g) <= longest), maxGrace])]
        .sort((a, b) => durationSeconds(a) - durationSeconds(b));
      const grace = el("select", { name: "gracePeriod" },
        choices.map((g) => el("option", { value: g, selected: g === "P1D" }, g === "PT0S" ? "Not at all: stop it now (a leaked key)" : durationWords(g))));
      const chosen = await valueDialog(`Rotate "${key.description}"? You get a new key, shown once; the old one keeps working for the time you choose, never past ${formatTime(key.expiry)}.`,
        "Rotate key", "The old key keeps working for", grace);
      if (chosen === null) {
        return;
      }
      const issued = await attempt(button, () => api("POST", `/api/v1/api-keys/${key.id}/actions/rotate`, { gracePeriod: chosen }));
      if (issued) {
        await done(issued);
      }
    },
  }, "Rotate");
  return button;
}
