// A real, OpenID-certified provider (oidc-provider) on loopback for Postwise's tests.
// Usage: node index.mjs PORT CLIENT_ID CLIENT_SECRET ACCOUNTS_JSON
// Accounts are read from ACCOUNTS_JSON on every sign-in ({"sub": {"email": ..., ...}}), so a
// test can change them. The login page is oidc-provider's own devInteractions page: any
// password, the login name is the account's sub. Redirect URIs on loopback and on the test
// client's host are accepted, as the app's port is only known once each test starts it.
import { readFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const [port, clientId, clientSecret, accountsPath] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

const allowed = (uri) => /^http:\/\/(127\.0\.0\.1:\d+|postwise\.test)\//.test(uri);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: ["http://postwise.test/sso/oidc/callback"],
      post_logout_redirect_uris: ["http://postwise.test/sign-in"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
    {
      client_id: "another-app",
      client_secret: "another-secret-for-tests",
      redirect_uris: ["http://postwise.test/sso/oidc/callback"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [jwk] },
  // The scopes' claims go into the ID token, as Entra ID, Okta and Google do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["employee_id", "name", "given_name", "family_name"] },
  scopes: ["openid", "email", "profile"],
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // A first-party app: no consent page, the grant covers what it asks for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const accounts = JSON.parse(readFileSync(accountsPath, "utf8"));
    if (!(sub in accounts)) return undefined;
    return { accountId: sub, async claims() { return { sub, ...accounts[sub] }; } };
  },
});
provider.Client.prototype.redirectUriAllowed = allowed;
provider.Client.prototype.postLogoutRedirectUriAllowed = allowed;
provider.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
