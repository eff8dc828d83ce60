// Every call the console makes goes through here: the signed-in user's bearer token, JSON both ways, a busy
// indicator while a call is slow, and the API's error body turned into words to show.
import { ApiError } from "./errors.js";
import { session } from "./session.js";

let pending = 0;
let showBusy;

// Calls shorter than a quarter second show nothing, so fast screens do not flicker.
function busy(delta) {
  pending += delta;
  const indicator = document.getElementById("busy");
  clearTimeout(showBusy);
  if (pending > 0) {
    showBusy = setTimeout(() => { indicator.hidden = false; }, 250);
  } else {
    indicator.hidden = true;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${session.token()}` };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  busy(+1);
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, [{ title: "The service could not be reached. Check the connection and try again." }]);
  } finally {
    busy(-1);
  }
  if (response.status === 401) {
    session.expired();
  }
  if (!response.ok) {
    let errors = [];
    try {
      errors = (await response.json()).errors ?? [];
    } catch {
      // Not our error body (a proxy's page, say): the status says enough.
    }
    throw new ApiError(response.status, errors);
  }
  return response.status === 204 ? null : response.json();
}

/** A paging link as the API gives it (absolute), made relative so the console stays on its own origin. */
export function relative(link) {
  if (!link) {
    return null;
  }
  const url = new URL(link.href);
  return url.pathname + url.search;
}

/** JSON Patch replacing each named path, as the API's PATCH endpoints take it. */
export function replace(values) {
  return Object.entries(values).map(([path, value]) => ({ op: "replace", path, value }));
}
