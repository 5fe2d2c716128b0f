/**
 * The staff workspace (issue 19): the single-page app built from web/ (Vite, by scripts/setup.mjs)
 * served at `/`, and how it signs in.
 *
 * - With an identity provider (AUTH_ISSUER + AUTH_JWKS_URL): `/auth/config` tells the app to sign
 *   in with OIDC authorization code + PKCE against it (client id AUTH_CLIENT_ID, default
 *   `utskrivning-web`); the page's Content-Security-Policy lets it reach the issuer.
 * - Without one (development): `/auth/config` lists the fixture users below by role and
 *   organisation, and `POST /auth/dev/sign-in` mints a development token for one of them with the
 *   same key and function as `npm run token`. Neither exists when an identity provider is set.
 *
 * These paths are public (mounted before the bearer-token check): the page and its assets hold no
 * data; everything it shows comes from /api with the signed-in person's token.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { claimsMisfit, ROLE_SV, type Role } from '../auth/principal';
import { mintDevToken } from '../auth/tokens';
import { HttpError, parseOr400 } from './errors';

export interface DevUser {
  userId: string;
  name: string;
  role: Role;
  roleSv: string;
  organisation: string;
  organisationName: string;
  region: string;
}

const user = (userId: string, name: string, role: Role, organisation: string, organisationName: string, region: string): DevUser => ({
  userId, name, role, roleSv: ROLE_SV[role], organisation, organisationName, region,
});

/** The fixture users of the development sign-in: one of each daily role in Gävleborg, the ward and its partners in Halland. */
export const DEV_USERS: readonly DevUser[] = [
  user('ssk-lisa', 'Lisa, sjuksköterska', 'inpatientStaff', 'SE2321000115-AVD7', 'Avdelning 7, Gävle sjukhus', 'gavleborg'),
  user('dsk-karin', 'Karin, distriktssköterska', 'primaryCareStaff', 'SE2321000115-VC12', 'Vårdcentralen Brynäs', 'gavleborg'),
  user('psyk-omar', 'Omar, kontaktperson', 'psychiatricOutpatientStaff', 'SE2321000230-PSYK2', 'Psykiatrisk öppenvård Gävle', 'gavleborg'),
  user('bist-anna', 'Anna, biståndshandläggare', 'municipalityStaff', '2180', 'Gävle kommun', 'gavleborg'),
  user('samordnare-per', 'Per, samordnare', 'coordinator', 'samordning-gavleborg', 'Samordning Gävleborg', 'gavleborg'),
  user('granskare-eva', 'Eva, fakturagranskare', 'invoiceReviewer', '2180', 'Gävle kommun', 'gavleborg'),
  user('debitering-jon', 'Jon, debiteringsansvarig', 'billingOfficer', 'region-gavleborg', 'Region Gävleborg', 'gavleborg'),
  user('admin-sara', 'Sara, administratör', 'administrator', 'region-gavleborg', 'Region Gävleborg', 'gavleborg'),
  user('ssk-maja', 'Maja, sjuksköterska', 'inpatientStaff', 'SE2321000115-AVD1', 'Avdelning 1, Hallands sjukhus Halmstad', 'halland'),
  user('dsk-nils', 'Nils, distriktssköterska', 'primaryCareStaff', 'SE2321000115-VC01', 'Vårdcentralen Halmstad', 'halland'),
  user('bist-ali', 'Ali, biståndshandläggare', 'municipalityStaff', '1380', 'Halmstads kommun', 'halland'),
];

/** Where the built app is: web/dist beside src/ (tsx) or beside dist/ (compiled). */
export function webDist(): string | undefined {
  return [resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../web/dist')].find((d) => existsSync(join(d, 'index.html')));
}

const SignIn = z.object({ userId: z.string().min(1).max(100) }).strict();

export function webRoutes(config: Config): Router {
  const router = Router();
  const oidc = Boolean(config.auth.jwksUrl);
  // only the users whose region is configured and whose claims the service would accept
  const users = DEV_USERS.filter((u) => config.regions.some((r) => r.id === u.region) && !claimsMisfit({ sub: u.userId, role: u.role, organisation: u.organisation, region: u.region }, config.regions));

  router.get('/auth/config', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (oidc) {
      res.json({ mode: 'oidc', authority: config.auth.issuer, clientId: process.env.AUTH_CLIENT_ID ?? 'utskrivning-web', scope: process.env.AUTH_SCOPE ?? 'openid profile' });
    } else {
      res.json({ mode: 'dev', users });
    }
  });

  router.post('/auth/dev/sign-in', express.json({ limit: '4kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    // development only: with an identity provider this sign-in does not exist
    if (oidc) throw new HttpError(404, 'NOT_FOUND', 'No such endpoint: the development sign-in exists only without an identity provider.');
    const { userId } = parseOr400(SignIn, req.body ?? {}, 'body');
    const u = users.find((x) => x.userId === userId);
    if (!u) throw new HttpError(400, 'VALIDATION_FAILED', 'body.userId: not one of the development users', [{ field: 'body.userId', message: 'not one of the development users' }]);
    const token = await mintDevToken(config.auth.devKeyFile, { userId: u.userId, role: u.role, organisation: u.organisation, region: u.region, audience: config.auth.audience });
    res.json({ token, user: u });
  });

  const dist = webDist();
  const issuerOrigin = oidc && config.auth.issuer ? safeOrigin(config.auth.issuer) : undefined;
  const sendIndex: express.RequestHandler = (_req, res) => {
    if (!dist) {
      res.status(503).type('text/plain').send('The staff workspace is not built: run `npm run setup` (it builds web/ with Vite).');
      return;
    }
    // the OIDC sign-in talks to the identity provider's token endpoint from the page
    if (issuerOrigin) res.setHeader('Content-Security-Policy', `default-src 'self';connect-src 'self' ${issuerOrigin};frame-src ${issuerOrigin};base-uri 'self';form-action 'self' ${issuerOrigin};frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';style-src 'self'`);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dist, 'index.html'));
  };
  router.get(['/', '/index.html'], sendIndex);
  if (dist) router.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  return router;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
