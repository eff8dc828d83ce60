// Keys in the tenant (TenantAdmin): search, filter, sort and page; revoke one or several.
import { api } from "./api.js";
import { isLive, keyLink, revokeButton, shortKeyId, suspendOrResumeButton } from "./keyactions.js";
import { pageNumber, pageParameter, pageQuery, pager } from "./pager.js";
import { attempt, confirmAction, el, field, listParameters, showError, showInHash, showInfo, status, timeCell } from "./ui.js";

const sorts = [
  ["-created", "Newest first"], ["+created", "Oldest first"], ["+description", "Description A–Z"],
  ["-description", "Description Z–A"], ["+sub", "Owner A–Z"], ["+status", "Status"], ["+createdByUser", "Created by"],
];

/** What the list shows, as the hash and the API name it: search, status, sort, and the page's cursor. */
const listed = ["q", "status", "sort", "startingAfter", "endingBefore", pageParameter];

export async function adminKeysView(main, { params }) {
  const q = el("input", { type: "search", name: "q", maxlength: 256, placeholder: "Name, key ID or owner", value: params.get("q") ?? "" });
  const statusFilter = el("select", { name: "status" },
    el("option", { value: "" }, "Any status"), ["active", "suspended", "expired", "revoked"].map((s) => el("option", { value: s }, s)));
  statusFilter.value = params.get("status") ?? "";
  const sort = el("select", { name: "sort" }, sorts.map(([value, label]) => el("option", { value }, label)));
  sort.value = sorts.some(([value]) => value === params.get("sort")) ? params.get("sort") : "-created";
  const search = el("button", { type: "submit", class: "primary" }, "Search");
  const filters = el("form", { class: "filters", role: "search", "aria-label": "Search keys" },
    field("Search", q), field("Status", statusFilter), field("Sort", sort), el("div", { class: "actions" }, search));
  const results = el("div", { class: "results" });
  const load = async (shown) => {
    const page = await attempt(search, () => api("GET", apiUrl(shown)));
    if (page) {
      results.replaceChildren(keysPage(page, () => load(shown), go, pageNumber(shown)));
    }
  };
  const apiUrl = (shown) => `/api/v1/api-keys?${pageQuery(shown)}`;
  /** Shows the list of these parameters (a pager link's, or the form's) through the hash. */
  const go = (shown) => showInHash("#/admin/keys", shown, listed, load);
  const fromForm = () => new URLSearchParams([["q", q.value.trim()], ["status", statusFilter.value], ["sort", sort.value]]);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    go(fromForm());
  });
  statusFilter.addEventListener("change", () => go(fromForm()));
  sort.addEventListener("change", () => go(fromForm()));
  main.replaceChildren(el("h1", {}, "Keys in this tenant"), filters, results);
  await load(listParameters(params, listed));
}

function keysPage(page, reload, load, number) {
  const selected = new Set();
  const revokeSelected = el("button", { type: "button", class: "danger", disabled: true, "aria-describedby": "select-why" }, "Revoke selected");
  const selectWhy = el("small", { id: "select-why", class: "why" }, "Select active or suspended keys to revoke them together.");
  const picks = [];
  const selectAll = el("input", {
    type: "checkbox",
    disabled: !page.data.some(isLive),
    onchange: (event) => {
      const checked = event.target.checked; // read once: each pick's change below redraws this box's state
      for (const pick of picks.filter((p) => !p.disabled && p.checked !== checked)) {
        pick.checked = checked;
        pick.dispatchEvent(new Event("change"));
      }
    },
  });
  const updateSelection = () => {
    const selectable = picks.filter((p) => !p.disabled).length;
    selectAll.checked = selectable > 0 && selected.size === selectable;
    selectAll.indeterminate = selected.size > 0 && selected.size < selectable;
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
    const live = isLive(key);
    const pick = el("input", {
      type: "checkbox",
      "aria-label": `Select ${key.description}`,
      disabled: !live,
      title: live ? null : "Only active and suspended keys can be revoked.",
      onchange: (event) => {
        if (event.target.checked) {
          selected.add(key.id);
        } else {
          selected.delete(key.id);
        }
        updateSelection();
      },
    });
    picks.push(pick);
    const actions = el("div", { class: "row-actions" }, suspendOrResumeButton(key, reload), revokeButton(key, reload));
    return el("tr", { "data-key-id": key.id },
      el("td", {}, pick),
      el("td", { "data-label": "Description" }, keyLink(key)),
      el("td", { "data-label": "Key ID" }, shortKeyId(key.id)),
      el("td", { "data-label": "Owner" }, key.sub),
      el("td", { "data-label": "Status" }, status(key.status)),
      timeCell("Created", key.created),
      timeCell("Expires", key.expiry),
      timeCell("Last used", key.lastUsed),
      el("td", { "data-label": "Actions" }, actions));
  });
  return el("div", {},
    // In the action row rather than the table's head, so the narrow layout (which hides the head) keeps it too.
    page.data.length === 0
      ? null
      : el("div", { class: "actions" }, el("label", { class: "check" }, selectAll, "Select all on this page that can be revoked"), revokeSelected, selectWhy),
    page.data.length === 0
      ? el("p", { class: "empty" }, "No keys match.")
      : el("table", { class: "keys" },
        el("thead", {}, el("tr", {}, ["", "Description", "Key ID", "Owner", "Status", "Created", "Expires", "Last used", ""].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows)),
    pager(page.links, load, { number, count: page.data.length }));
}
