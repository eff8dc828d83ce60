// The tenant's API key settings (TenantAdmin).
import { api, replace } from "./api.js";
import { attempt, durationWords, el, field, showInfo } from "./ui.js";

export async function settingsView(main, { me }) {
  const path = `/api/v1/api-keys/configs/${encodeURIComponent(me.tenantId)}`;
  const config = await api("GET", path);
  const enabled = el("input", { type: "checkbox", name: "api_keys_enabled", checked: config.api_keys_enabled });
  const maxExpiry = el("input", { name: "max_api_key_expiry", value: config.max_api_key_expiry, required: true, pattern: "P.+" });
  const maxKeys = el("input", { type: "number", name: "max_keys_per_user", min: 0, max: 1000, required: true, value: config.max_keys_per_user });
  const clientExpiry = el("input", { name: "scim_externalClient_expiry", value: config.scim_externalClient_expiry, required: true, pattern: "P.+" });
  const perMinute = el("input", { type: "number", name: "excessive_usage_per_minute", min: 0, required: true, value: config.excessive_usage_per_minute });
  const factor = el("input", { type: "number", name: "excessive_usage_factor", min: 0, required: true, value: config.excessive_usage_factor });
  const save = el("button", { type: "submit", class: "primary" }, "Save settings");
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
