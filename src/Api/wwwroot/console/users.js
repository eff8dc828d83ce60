// The tenant's users and their roles (TenantAdmin).
import { api, replace } from "./api.js";
import { attempt, confirmAction, el, field, showInfo } from "./ui.js";

/** The roles by their API names, with what a person calls them and what each allows. */
const roles = [
  ["TenantAdmin", "Tenant admin", "settings, every key, events, usage and users"],
  ["Developer", "Developer", "generates their own keys"],
];

export async function usersView(main, { me }) {
  const list = await api("GET", "/api/v1/users");
  const userId = el("input", { name: "userId", required: true, maxlength: 128, autocomplete: "off" });
  const newRoles = roles.map(([role]) => el("input", { type: "checkbox", value: role, checked: role === "Developer" }));
  const add = el("button", { type: "submit", class: "primary" }, "Add or update user");
  const form = el("form", { class: "add-user", "aria-label": "Add a user" },
    field("User ID", userId),
    el("fieldset", {}, el("legend", {}, "Roles"), newRoles.map((box, i) => el("label", { class: "check" }, box,
      el("span", {}, roles[i][1], el("small", { class: "hint" }, ` (${roles[i][2]})`))))),
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
      el("thead", {}, el("tr", {}, ["User", ...roles.map(([, words]) => words), ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, list.data.map((user) => userRow(user, me, () => usersView(main, { me }))))),
    el("h2", {}, "Add a user"),
    form);
}

function userRow(user, me, refresh) {
  const has = new Set(user.assignedRoles.map((r) => r.name));
  const boxes = roles.map(([role, words]) => el("input", { type: "checkbox", value: role, checked: has.has(role), "aria-label": `${words} for ${user.id}` }));
  // Save is offered only once a box differs from what is stored, and the row says it has unsaved changes.
  const save = el("button", { type: "button", class: "primary", disabled: true, onclick: async () => { if (await setRoles(save, user.id, boxes)) { refresh(); } } }, "Save roles");
  const unsaved = el("span", { class: "hint", hidden: true }, "unsaved changes");
  for (const box of boxes) {
    box.addEventListener("change", () => {
      const changed = boxes.some((b) => b.checked !== has.has(b.value));
      save.disabled = !changed;
      unsaved.hidden = !changed;
    });
  }
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
    boxes.map((box, i) => el("td", { "data-label": roles[i][1] }, box)),
    el("td", {}, el("div", { class: "row-actions" }, unsaved, save, remove)));
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
