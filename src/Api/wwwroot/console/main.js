// The console's shell: sign-in, then one screen per location hash. Every screen uses the public REST API.
import { api } from "./api.js";
import { eventsView } from "./events.js";
import { keyDetailView } from "./keydetail.js";
import { adminKeysView } from "./keys.js";
import { settingsView } from "./settings.js";
import { usageView } from "./usage.js";
import { usersView } from "./users.js";
import { profileView } from "./profile.js";
import { devSignIn, finishOidcSignIn, session, signInSettings, startOidcSignIn } from "./session.js";
import { attempt, clearMessage, el, field, showError } from "./ui.js";

const screens = {
  "#/profile": profileView,
  "#/admin/keys": adminKeysView,
  "#/admin/settings": settingsView,
  "#/admin/events": eventsView,
  "#/admin/usage": usageView,
  "#/admin/users": usersView,
};

const main = document.getElementById("view");
let settings;
let me;
/** Counts screens asked for; a screen still loading when another is asked for is never shown. */
let shown = 0;

async function route() {
  clearMessage();
  if (!session.token()) {
    me = null;
    showSignedIn(false);
    signInView();
    return;
  }
  try {
    me ??= await api("GET", "/api/v1/users/me");
  } catch (error) {
    if (isNotMember(error)) {
      notMemberView();
      return;
    }
    showError(error);
    return;
  }
  const roles = new Set(me.assignedRoles.map((r) => r.name));
  const isAdmin = roles.has("TenantAdmin");
  showSignedIn(true, isAdmin);
  // A screen's filters, search, sort and page follow its path in the hash (#/admin/keys?q=ana), so Back, a reload,
  // a bookmark and a shared link all show the same list.
  const [path, search] = location.hash.split("?", 2);
  // One key's page: #/keys/{id}, for its owner or a TenantAdmin (the API decides, and answers 404 to anyone else).
  const keyPage = /^#\/keys\/([0-9a-f]{24})$/.exec(path);
  const hash = screens[path] || keyPage ? path : "#/profile";
  const params = new URLSearchParams(screens[path] ? search ?? "" : "");
  for (const link of document.querySelectorAll("#nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === hash);
    if (link.getAttribute("aria-current") === "") {
      link.setAttribute("aria-current", "page");
    }
  }
  if (hash.startsWith("#/admin/") && !isAdmin) {
    ++shown;
    main.replaceChildren(el("h1", {}, "Administration"), el("p", { class: "why" }, "These screens need the TenantAdmin role."));
    return;
  }
  const ticket = ++shown;
  const screen = el("div", { class: "screen" });
  try {
    const context = { me, isAdmin, isDeveloper: roles.has("Developer"), params };
    await (keyPage ? keyDetailView(screen, context, keyPage[1]) : screens[hash](screen, context));
    if (ticket === shown) {
      main.replaceChildren(screen);
    }
  } catch (error) {
    if (ticket === shown) {
      main.replaceChildren();
      showError(error);
    }
  }
}

function showSignedIn(signedIn, isAdmin = false) {
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  document.getElementById("who").textContent = signedIn ? `${me.id} · ${me.tenantId}` : "";
  for (const link of document.querySelectorAll("#nav [data-admin]")) {
    link.hidden = !isAdmin;
  }
}

const isNotMember = (error) => error.errors?.some((e) => e.code === "APIKEYS-NOT-MEMBER") ?? false;

/** Signed in, but the tenant has not added this user (or has removed them): nothing here is theirs to see. */
function notMemberView() {
  ++shown;
  document.getElementById("nav").hidden = true;
  document.getElementById("who").textContent = "";
  document.getElementById("sign-out").hidden = false;
  main.replaceChildren(
    el("h1", {}, "You are not a member of this tenant"),
    el("p", {}, "You signed in, but no tenant admin has added you to this tenant, or you were removed from it. " +
      "Until an admin adds you (Administration, Users), there is nothing here for you: no keys, no settings."),
    el("p", { class: "why" }, "Ask one of the tenant's admins to add you, then sign in again."));
}

function signInView() {
  ++shown;
  if (!settings.devSignIn) {
    const start = el("button", { type: "button", class: "primary", onclick: () => attempt(start, () => startOidcSignIn(settings)) }, "Sign in");
    main.replaceChildren(el("h1", {}, "Sign in"), el("p", {}, "Sign in with your organisation's account."), start);
    return;
  }
  const tenant = el("input", { name: "tenantId", required: true, maxlength: 128, autocomplete: "organization" });
  const user = el("input", { name: "userId", required: true, maxlength: 128, autocomplete: "username" });
  const submit = el("button", { type: "submit", class: "primary" }, "Sign in");
  const form = el("form", { class: "sign-in", "aria-label": "Development sign-in" },
    field("Tenant ID", tenant), field("User ID", user), el("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [tenantId, userId] = [tenant.value.trim(), user.value.trim()];
    // A mistyped tenant or user ID stays on this form, with what was typed, rather than signing in to nothing.
    const signedIn = await attempt(submit, async () => {
      await devSignIn(tenantId, userId);
      try {
        me = await api("GET", "/api/v1/users/me");
      } catch (error) {
        session.clear();
        me = null;
        throw isNotMember(error)
          ? new Error(`Tenant "${tenantId}" has no member "${userId}". Check both IDs; if they are right, ask one of the tenant's admins to add you.`)
          : error;
      }
      return true;
    });
    if (signedIn === undefined) {
      tenant.focus();
    } else if (location.hash === "#/profile") {
      route();
    } else {
      location.hash = "#/profile"; // hashchange shows it
    }
  });
  main.replaceChildren(
    el("h1", {}, "Sign in"),
    el("p", { class: "warning" }, "Development sign-in: anyone can be anyone. Production deployments sign in with OpenID Connect."),
    form);
  tenant.focus();
}

async function start() {
  settings = await signInSettings();
  try {
    await finishOidcSignIn(settings);
  } catch (error) {
    showError(error);
  }
  document.getElementById("sign-out").addEventListener("click", () => {
    session.clear();
    history.replaceState(null, "", `${location.pathname}#/sign-in`);
    route();
  });
  window.addEventListener("hashchange", route);
  await route();
}

start();
