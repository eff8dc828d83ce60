// Who is signed in. The token lives in this tab's session storage and goes with every call as a bearer token, so any
// Api process can answer any call: no server-side session, no sticky load balancing.
import { ApiError } from "./errors.js";

const tokenKey = "apikeys.session";
const signInKey = "apikeys.oidc";

export const session = {
  token() {
    const saved = JSON.parse(sessionStorage.getItem(tokenKey) ?? "null");
    return saved && saved.expires > Date.now() ? saved.token : null;
  },
  save(token, expiresIn) {
    sessionStorage.setItem(tokenKey, JSON.stringify({ token, expires: Date.now() + expiresIn * 1000 }));
  },
  clear() {
    sessionStorage.removeItem(tokenKey);
  },
  /** The API refused the token (it expired, or was signed by a key no longer trusted): sign in again. */
  expired() {
    sessionStorage.removeItem(tokenKey);
    location.hash = "#/sign-in";
  },
};

/** How this deployment signs people in: the Development sign-in, or OpenID Connect against the configured provider. */
export async function signInSettings() {
  const response = await fetch("/console/sign-in.json");
  return response.json();
}

/** Development only: a token for any tenant and user, from the Api's /dev/token. */
export async function devSignIn(tenantId, userId) {
  const response = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tenantId, userId }),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new ApiError(response.status, body.errors ?? []);
  }
  session.save(body.token, body.expiresIn);
  return true;
}

const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

async function discover(authority) {
  const response = await fetch(`${authority.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) {
    throw new Error("The sign-in provider could not be reached.");
  }
  return response.json();
}

/** OpenID Connect: the authorization code flow with PKCE, as a public client; the provider sends the browser back here. */
export async function startOidcSignIn(settings) {
  const provider = await discover(settings.authority);
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(signInKey, JSON.stringify({ verifier, state, tokenEndpoint: provider.token_endpoint }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign(`${provider.authorization_endpoint}?${query}`);
}

/** Back from the provider with a code: trades it for tokens. False when this page load is not such a return. */
export async function finishOidcSignIn(settings) {
  const returned = new URLSearchParams(location.search);
  const started = JSON.parse(sessionStorage.getItem(signInKey) ?? "null");
  if (!returned.has("code") && !returned.has("error")) {
    return false;
  }
  sessionStorage.removeItem(signInKey);
  history.replaceState(null, "", location.pathname);
  if (returned.has("error")) {
    throw new Error(`The sign-in provider refused: ${returned.get("error_description") ?? returned.get("error")}.`);
  }
  if (!started || returned.get("state") !== started.state) {
    throw new Error("This sign-in was not started here; please sign in again.");
  }
  const response = await fetch(started.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: returned.get("code"),
      redirect_uri: redirectUri(),
      client_id: settings.clientId,
      code_verifier: started.verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok || !tokens.access_token) {
    throw new Error("The sign-in provider did not issue a token.");
  }
  session.save(tokens.access_token, tokens.expires_in ?? 3600);
  return true;
}

const redirectUri = () => `${location.origin}${location.pathname}`;
