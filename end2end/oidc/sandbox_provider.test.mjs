// The sandbox's Entra-shaped OpenID provider, exercised by an independent, certified client
// library (openid-client, https://openid.net/certification/): discovery, authorization code with
// PKCE (the sign-in page driven with plain HTTP, as a browser without script would), the token
// request, ID-token validation against the provider's JWKS, refresh, refresh after the user's
// sessions were revoked, and a sign-in after the signing key was rotated.
//
// It needs a running sandbox: SANDBOX_URL=http://127.0.0.1:<port> (scripts/oidc-client-test.sh
// starts `server sandbox` and sets it). Run with `node --test`.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";

const base = process.env.SANDBOX_URL;
const tenant = process.env.SANDBOX_TENANT ?? "72f988bf-0000-4000-8000-00000000a0a0";
const clientId = "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001";
const clientSecret = "sandbox-dashboard-client-secret";
// A loopback redirect URI on a port the registration does not name: Entra ignores it.
const redirectUri = "http://127.0.0.1:53682/auth/callback";
const scope = "openid profile offline_access https://management.azure.com/user_impersonation";

assert.ok(base, "SANDBOX_URL must name a running sandbox (see scripts/oidc-client-test.sh)");
const issuer = `${base}/${tenant}/v2.0`;

/** Requests the client made for the provider's key set: proof that it checked signatures. */
let keySetFetches = 0;

/** A client configuration from discovery; the sandbox is plain http on loopback. */
async function configure(secret = clientSecret) {
  const config = await client.discovery(new URL(issuer), clientId, secret, client.ClientSecretPost(secret), {
    // Validate ID-token signatures against the JWKS even though they come from the token endpoint.
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
  config[client.customFetch] = (url, options) => {
    if (new URL(url).pathname.endsWith("/discovery/v2.0/keys")) keySetFetches += 1;
    return fetch(url, options);
  };
  return config;
}

const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity]);

/** The sign-in page's form for `user`: its action and fields. */
function formFor(html, user) {
  const form = html
    .split("<form ")
    .slice(1)
    .find((part) => part.includes(`name="user" value="${user}"`));
  assert.ok(form, `the sign-in page lists ${user}`);
  const action = unescape(/action="([^"]*)"/.exec(form)[1]);
  const fields = new URLSearchParams();
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescape(name), unescape(value));
  }
  return { action, fields };
}

/** Signs `user` in: authorization URL, sign-in page, its form, then the code grant. */
async function signIn(config, user) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const page = await fetch(url, { redirect: "manual" });
  assert.equal(page.status, 200);
  const { action, fields } = formFor(await page.text(), user);
  const signedIn = await fetch(new URL(action, url), { method: "POST", body: fields, redirect: "manual" });
  assert.equal(signedIn.status, 302);
  const callback = new URL(signedIn.headers.get("location"));
  assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
}

async function control(path) {
  const response = await fetch(`${base}/sandbox/entra/${path}`, { method: "POST" });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** The `kid` in a JWT's header. */
const kid = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url")).kid;

test("discovery describes an Entra-shaped provider", async () => {
  const config = await configure();
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, issuer);
  assert.equal(metadata.token_endpoint, `${base}/${tenant}/oauth2/v2.0/token`);
  assert.deepEqual(metadata.id_token_signing_alg_values_supported, ["RS256"]);
  assert.ok(config.serverMetadata().supportsPKCE());
});

test("code + PKCE, a validated ID token, refresh, and refusal after revocation", async () => {
  const config = await configure();
  const fetchesBefore = keySetFetches;
  const tokens = await signIn(config, "alice");
  assert.ok(keySetFetches > fetchesBefore, "the ID token's signature was checked against the JWKS");
  assert.equal(tokens.token_type.toLowerCase(), "bearer");
  const claims = tokens.claims();
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, clientId);
  assert.equal(claims.oid, "a11ce000-0000-4000-8000-000000000001");
  assert.equal(claims.preferred_username, "alice@contoso.example");
  assert.equal(claims.tid, tenant);
  assert.ok(tokens.refresh_token, "offline_access gives a refresh token");

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token, "refresh tokens rotate");
  assert.equal(refreshed.claims().oid, claims.oid, "an ID token again, validated");

  await control("users/alice/revoke-sign-in-sessions");
  await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (error) => {
    assert.ok(error instanceof client.ResponseBodyError, String(error));
    assert.equal(error.error, "invalid_grant");
    assert.match(error.error_description, /^AADSTS50173: /);
    return true;
  });
});

test("a wrong client secret is refused as invalid_client", async () => {
  const config = await configure("not-the-secret");
  await assert.rejects(signIn(config, "bob"), (error) => {
    assert.ok(error instanceof client.ResponseBodyError, String(error));
    assert.equal(error.error, "invalid_client");
    assert.equal(error.status, 401);
    return true;
  });
});

test("after a key rotation, new ID tokens carry the new key and still validate", async () => {
  const rotated = await control("rotate-signing-key");
  assert.equal(rotated.published_kids.length >= 2, true, "the previous key stays published");
  // A fresh configuration, as a relying party that meets an unknown kid refetches the JWKS.
  const config = await configure();
  const tokens = await signIn(config, "carol");
  assert.equal(kid(tokens.id_token), rotated.current_kid);
  assert.equal(tokens.claims().name, "Carol Example");
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(kid(refreshed.id_token), rotated.current_kid);
});
