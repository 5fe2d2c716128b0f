// A real OpenID Connect provider for the staff workspace's sign-in test (test/e2e/web-oidc.test.ts):
// oidc-provider (panva, pinned in package.json) on 127.0.0.1, run as a child process because it is
// an ES module. One public client (no secret: authorization code with PKCE, S256 required), its
// development login page (any password), and JWT access tokens for the API's audience carrying the
// service's claims (role, organisation, region) of the fixture person who signs in.
//
// Input (environment): OIDC_CLIENT_ID, OIDC_REDIRECT_URI, OIDC_AUDIENCE, OIDC_USERS (JSON: sub →
// { name, role, organisation, region }). Output: one line of JSON on stdout, { "issuer": … }.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const clientId = process.env.OIDC_CLIENT_ID;
const redirect = process.env.OIDC_REDIRECT_URI;
const audience = process.env.OIDC_AUDIENCE;
const users = JSON.parse(process.env.OIDC_USERS ?? '{}');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: [redirect], post_logout_redirect_uris: [redirect], grant_types: ['authorization_code'], response_types: ['code'] }],
  pkce: { required: () => true },
  jwks: { keys: [jwk] },
  cookies: { keys: ['oidc-test-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'openid profile', audience, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  // the person's consent is the organisation's: no consent page
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    grant.addResourceScope(audience, 'openid profile');
    await grant.save();
    return grant;
  },
  claims: { openid: ['sub'], profile: ['name'] },
  async findAccount(_ctx, sub) {
    if (!users[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, name: users[sub].name }) };
  },
  // the service's own claims (src/auth/principal.ts) in the access token
  async extraTokenClaims(_ctx, token) {
    const u = users[token.accountId];
    return u ? { role: u.role, organisation: u.organisation, region: u.region, name: u.name } : {};
  },
  // the page's origin calls the token endpoint
  clientBasedCORS: () => true,
});
provider.proxy = false;
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
