/**
 * Sign-in: with an identity provider, OIDC (authorization code + PKCE); without one, the
 * development sign-in listing the fixture users by role and organisation.
 */
import { useState } from 'react';
import { devSignIn, oidcSignIn, type AuthConfig, type DevUser, type SignedIn } from '../session';

export function SignInPage({ cfg, onSignedIn }: { cfg: AuthConfig; onSignedIn: (s: SignedIn) => void }) {
  const [error, setError] = useState<string>();
  if (cfg.mode === 'oidc') {
    return (
      <section>
        <h1 tabIndex={-1}>Logga in</h1>
        <p>Du loggar in med ditt SITHS-kort hos regionens inloggningstjänst.</p>
        <button type="button" onClick={() => void oidcSignIn(cfg).catch((e: Error) => setError(e.message))}>Logga in</button>
        {error && <p role="alert" className="error">{error}</p>}
      </section>
    );
  }
  const byRegion = new Map<string, DevUser[]>();
  for (const u of cfg.users) byRegion.set(u.region, [...(byRegion.get(u.region) ?? []), u]);
  return (
    <section>
      <h1 tabIndex={-1}>Logga in (utvecklingsläge)</h1>
      <p className="notice">
        Ingen inloggningstjänst är konfigurerad, så du väljer en testanvändare. Sidan finns bara när <code>AUTH_ISSUER</code> inte är satt.
      </p>
      {error && <p role="alert" className="error">{error}</p>}
      {[...byRegion].map(([region, users]) => (
        <section key={region} aria-labelledby={`region-${region}`}>
          <h2 id={`region-${region}`}>Region {region === 'gavleborg' ? 'Gävleborg' : region === 'halland' ? 'Halland' : region}</h2>
          <table>
            <caption className="visually-hidden">Testanvändare i {region}</caption>
            <thead>
              <tr><th scope="col">Roll</th><th scope="col">Organisation</th><th scope="col">Användare</th><th scope="col"><span className="visually-hidden">Logga in</span></th></tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.userId}>
                  <td>{u.roleSv}</td>
                  <td>{u.organisationName} <span className="muted">({u.organisation})</span></td>
                  <td>{u.name}</td>
                  <td>
                    <button type="button" aria-label={`Logga in som ${u.name}, ${u.organisationName}`} onClick={() => void devSignIn(u.userId).then(onSignedIn, (e: Error) => setError(e.message))}>
                      Logga in
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
