// The tenant's API key settings (TenantAdmin), grouped as the tenant thinks of them: the key policy, excessive usage.
import { api, replace } from "./api.js";
import { attempt, durationInput, el, field, parseDuration, showError, showInfo } from "./ui.js";

const expiryPresets = ["PT1H", "P1D", "P7D", "P30D", "P90D", "P365D"];

export async function settingsView(main, { me }) {
  const path = `/api/v1/api-keys/configs/${encodeURIComponent(me.tenantId)}`;
  const config = await api("GET", path);
  const enabled = el("input", { type: "checkbox", name: "api_keys_enabled", checked: config.api_keys_enabled });
  const maxExpiry = durationInput("max_api_key_expiry", config.max_api_key_expiry, expiryPresets);
  const maxKeys = el("input", { type: "number", name: "max_keys_per_user", min: 0, max: 1000, required: true, value: config.max_keys_per_user });
  const clientExpiry = durationInput("scim_externalClient_expiry", config.scim_externalClient_expiry, expiryPresets);
  const leaked = el("select", { name: "leaked_key_action" },
    el("option", { value: "revoke", selected: config.leaked_key_action === "revoke" }, "Revoke it at once"),
    el("option", { value: "notify", selected: config.leaked_key_action === "notify" }, "Only record it in the events"));
  const maxGrace = durationInput("max_rotation_grace", config.max_rotation_grace, ["PT0S", "PT1H", "P1D", "P7D", "P30D"]);
  const perMinute = el("input", { type: "number", name: "excessive_usage_per_minute", min: 0, required: true, value: config.excessive_usage_per_minute });
  const factor = el("input", { type: "number", name: "excessive_usage_factor", min: 0, required: true, value: config.excessive_usage_factor });
  const save = el("button", { type: "submit", class: "primary" }, "Save settings");
  const durationHint = "Write 30 days, 12h, or an ISO 8601 duration such as P30D.";
  const form = el("form", { class: "settings", "aria-label": "API key settings" },
    el("fieldset", {}, el("legend", {}, "Key policy"),
      el("label", { class: "check" }, enabled, el("span", {}, "Enable API keys for this tenant")),
      field("Maximum expiry of a key", maxExpiry.input, durationHint), maxExpiry.meaning, maxExpiry.suggestions,
      field("Maximum active keys per user", maxKeys, "0 to 1000."),
      field("Maximum expiry of an external client's key", clientExpiry.input, durationHint), clientExpiry.meaning, clientExpiry.suggestions,
      field("Longest a rotated key keeps working", maxGrace.input, "PT0S (not at all) to 30 days; a rotation chooses up to this."),
      maxGrace.meaning, maxGrace.suggestions,
      field("A key reported leaked", leaked, "Reported by GitHub's secret scanning, or by anyone who found it.")),
    el("fieldset", {}, el("legend", {}, "Excessive usage"),
      field("Excessive usage: validations per minute", perMinute, "A key above this in a minute raises an event; 0 turns the fixed threshold off."),
      field("Excessive usage: times the key's own baseline", factor, "0 turns the baseline rule off.")),
    el("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // A duration the console cannot read is named with its field before anything is sent.
    for (const [label, duration] of [["Maximum expiry of a key", maxExpiry], ["Maximum expiry of an external client's key", clientExpiry],
      ["Longest a rotated key keeps working", maxGrace]]) {
      if (!parseDuration(duration.input.value)) {
        showError(new Error(`${label}: "${duration.input.value}" is not a duration. Write one as 30 days, 12h, or an ISO 8601 duration such as PT24H or P30D.`));
        duration.input.focus();
        return;
      }
    }
    const changes = replace({
      "/api_keys_enabled": enabled.checked,
      "/max_api_key_expiry": parseDuration(maxExpiry.input.value),
      "/max_keys_per_user": Number(maxKeys.value),
      "/scim_externalClient_expiry": parseDuration(clientExpiry.input.value),
      "/excessive_usage_per_minute": Number(perMinute.value),
      "/excessive_usage_factor": Number(factor.value),
      "/max_rotation_grace": parseDuration(maxGrace.input.value),
      "/leaked_key_action": leaked.value,
    });
    if (await attempt(save, () => api("PATCH", path, changes)) !== undefined) {
      showInfo("Settings saved.");
    }
  });
  main.replaceChildren(el("h1", {}, "API key settings"), form);
}
