/**
 * `npm run token -- --role <role> --organisation <id> --region <region> [--user <id>] [--expires 8h]`
 *
 * A development token lives at most a working day (10 h, DEV_MAX_LIFETIME_HOURS); the default is 8 h.
 *
 * Mints a bearer token signed with the local development key (DATA_DIR/auth/dev-signing-key.json,
 * or AUTH_DEV_KEY_FILE), the key `npm start` trusts when no identity provider is configured.
 * Prints only the token, so `TOKEN=$(npm run -s token -- …)` works. Development only: a service
 * with AUTH_JWKS_URL set (production) does not accept these tokens.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { claimsMisfit, ClaimsSchema, ROLES } from '../src/auth/principal';
import { DEV_DEFAULT_LIFETIME, DEV_MAX_LIFETIME_HOURS, lifetimeSeconds, mintDevToken } from '../src/auth/tokens';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      organisation: { type: 'string' },
      region: { type: 'string', default: 'gavleborg' },
      user: { type: 'string' },
      expires: { type: 'string', default: DEV_DEFAULT_LIFETIME },
    },
  });
  const config = loadConfig();
  if (config.auth.jwksUrl) {
    console.error('AUTH_JWKS_URL is set: this service accepts your identity provider\'s tokens only, not development tokens.');
    process.exit(2);
  }
  const claims = ClaimsSchema.safeParse({ sub: values.user ?? `dev-${values.role ?? 'user'}`, role: values.role, organisation: values.organisation, region: values.region });
  if (!claims.success) {
    console.error(`Cannot mint that token: ${claims.error.issues.map((i) => `--${i.path[0] === 'sub' ? 'user' : String(i.path[0])} ${i.message}`).join('; ')}`);
    console.error(`Roles: ${ROLES.join(', ')}.`);
    console.error('Example: npm run token -- --role municipalityStaff --organisation 2180 --region gavleborg');
    process.exit(2);
  }
  if (!config.regions.some((r) => r.id === claims.data.region)) {
    console.error(`--region: unknown region ${claims.data.region}; configured: ${config.regions.map((r) => r.id).join(', ')}`);
    process.exit(2);
  }
  const misfit = claimsMisfit(claims.data, config.regions);
  if (misfit) {
    console.error(`Cannot mint that token: ${misfit.message.replace(/^The token was refused: /, '')}`);
    process.exit(2);
  }
  const seconds = lifetimeSeconds(values.expires ?? '');
  if (seconds === undefined || seconds > DEV_MAX_LIFETIME_HOURS * 3600) {
    console.error(`--expires: give a lifetime like 30m or 8h, at most a working day (${DEV_MAX_LIFETIME_HOURS}h)`);
    process.exit(2);
  }
  console.log(await mintDevToken(config.auth.devKeyFile, { userId: claims.data.sub, role: claims.data.role, organisation: claims.data.organisation, region: claims.data.region, expiresIn: values.expires, audience: config.auth.audience }));
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
