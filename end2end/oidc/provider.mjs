// A certified OpenID provider (the npm `oidc-provider` package) for the dashboard's relying-party
// tests (server/tests/integration/oidc_sign_in.rs): one confidential client, PKCE required,
// Entra's claims (`tid`, `oid`, `roles`, `name`) in the ID token, and a scripted interaction that
// signs in the account named by `login_hint` (an unknown one is answered `access_denied`) and
// grants what the client asked for, so no browser is needed.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI.
// Prints `listening <issuer>` once it accepts connections.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const SANDBOX_TENANT = "72f988bf-0000-4000-8000-00000000a0a0";
const OTHER_TENANT = "e7e7e7e7-0000-4000-8000-0000000e7e7e";

const ACCOUNTS = {
  alice: {
    tid: SANDBOX_TENANT,
    oid: "a11ce000-0000-4000-8000-000000000001",
    name: "Alice Example",
    preferred_username: "alice@contoso.example",
    roles: [],
  },
  dana: {
    tid: SANDBOX_TENANT,
    oid: "da7a0000-0000-4000-8000-000000000004",
    name: "Dana Admin",
    preferred_username: "dana@contoso.example",
    roles: ["Dashboard.Admin"],
  },
  mallory: {
    tid: OTHER_TENANT,
    oid: "3a110000-0000-4000-8000-000000000666",
    name: "Mallory Outsider",
    preferred_username: "mallory@fabrikam.example",
    roles: [],
  },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  scopes: ["openid", "profile", "offline_access"],
  claims: {
    openid: ["sub", "tid", "oid", "roles"],
    profile: ["name", "preferred_username"],
  },
  // Entra puts the person's claims in the ID token of the code flow; so does this provider.
  conformIdTokenClaims: false,
  // Entra issues a refresh token for `offline_access` without `prompt=consent`.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  cookies: { keys: ["oidc-provider-test-cookie-key"] },
  findAccount: async (_ctx, id) =>
    ACCOUNTS[id] && {
      accountId: id,
      claims: async () => ({ sub: id, ...ACCOUNTS[id] }),
    },
  renderError: async (ctx, out) => {
    ctx.type = "json";
    ctx.body = out;
  },
});

provider.use(async (ctx, next) => {
  if (ctx.method !== "GET" || !/^\/interaction\/[^/]+$/.test(ctx.path)) {
    return next();
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === "login") {
    const account = String(params.login_hint ?? "");
    result = ACCOUNTS[account]
      ? { login: { accountId: account } }
      : { error: "access_denied", error_description: "no such test user" };
  } else if (prompt.name === "consent") {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    ctx.throw(400, `unexpected prompt ${prompt.name}`);
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: prompt.name !== "login",
  });
  ctx.redirect(returnTo);
  ctx.status = 303;
});

provider.listen(port, "127.0.0.1", () => {
  console.log(`listening ${issuer}`);
});
