/**
 * The staff workspace: sign-in, then the pages of the signed-in person's role (issue 19).
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { authConfig, oidcCallback, session, signOut, type AuthConfig, type Role, type SignedIn } from './session';
import { ROLE_SV } from '../../src/domain/roles';
import { go, href, useRoute } from './router';
import { SignInPage } from './pages/SignIn';
import { InboxPage } from './pages/Inbox';
import { EpisodePage } from './pages/Episode';
import { AdmissionPage } from './pages/Admission';
import { CoordinatorPage } from './pages/Coordinator';
import { BillingPage } from './pages/Billing';
import { AdminPage } from './pages/Admin';
import { HomeCarePage } from './pages/HomeCare';
import { HomeCareStartPage } from './pages/HomeCareStart';

const STAFF: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'];

interface NavItem {
  route: string;
  label: string;
  roles: Role[];
}
const NAV: NavItem[] = [
  { route: 'inkorg', label: 'Inkorg', roles: STAFF },
  { route: 'inskrivning', label: 'Inskrivning', roles: ['inpatientStaff'] },
  { route: 'ny-hemsjukvard', label: 'Ny inskrivning i hemsjukvård', roles: ['primaryCareStaff', 'municipalityStaff'] },
  { route: 'nytt-hembesok', label: 'Beställ enstaka hembesök', roles: ['primaryCareStaff'] },
  { route: 'koordinator', label: 'Samordnare', roles: ['coordinator'] },
  { route: 'fakturaunderlag', label: 'Fakturaunderlag', roles: ['invoiceReviewer', 'billingOfficer'] },
  { route: 'admin', label: 'Administratör', roles: ['administrator'] },
];

function home(role: Role): string {
  return NAV.find((n) => n.roles.includes(role))?.route ?? 'inkorg';
}

export function App() {
  const [cfg, setCfg] = useState<AuthConfig>();
  const [who, setWho] = useState<SignedIn | undefined>(session);
  const [error, setError] = useState<string>();
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    authConfig()
      .then(async (c) => {
        setCfg(c);
        if (c.mode === 'oidc') {
          const s = await oidcCallback(c);
          if (s) setWho(s);
        }
      })
      .catch((e: Error) => setError(e.message));
    const out = () => setWho(undefined);
    window.addEventListener('signed-out', out);
    return () => window.removeEventListener('signed-out', out);
  }, []);

  // a new page: focus its heading, so a screen reader announces it (WCAG 2.4.3)
  useEffect(() => {
    mainRef.current?.querySelector('h1')?.focus();
  }, [route.join('/'), who]);

  const onSignedIn = useCallback((s: SignedIn) => {
    setWho(s);
    go(home(s.role));
  }, []);

  if (!who) {
    return (
      <>
        <Header />
        <main id="main" ref={mainRef}>
          {error ? <p role="alert" className="error">{error}</p> : cfg ? <SignInPage cfg={cfg} onSignedIn={onSignedIn} /> : <p>Laddar…</p>}
        </main>
      </>
    );
  }

  const page = route[0] ?? home(who.role);
  const allowed = NAV.filter((n) => n.roles.includes(who.role));
  let content: ReactNode;
  switch (page) {
    case 'inkorg': content = <InboxPage who={who} />; break;
    case 'vardtillfalle': content = <EpisodePage who={who} episodeId={route[1] ?? ''} />; break;
    case 'hemsjukvard': content = <HomeCarePage key={route[1]} who={who} kind="hemsjukvard" id={route[1] ?? ''} />; break;
    case 'hembesok': content = <HomeCarePage key={route[1]} who={who} kind="hembesok" id={route[1] ?? ''} />; break;
    case 'ny-hemsjukvard': content = <HomeCareStartPage key={page} who={who} kind="hemsjukvard" />; break;
    case 'nytt-hembesok': content = <HomeCareStartPage key={page} who={who} kind="hembesok" />; break;
    case 'inskrivning': content = <AdmissionPage who={who} />; break;
    case 'koordinator': content = <CoordinatorPage who={who} />; break;
    case 'fakturaunderlag': content = <BillingPage who={who} />; break;
    case 'admin': content = <AdminPage who={who} />; break;
    default: content = <h1 tabIndex={-1}>Sidan finns inte</h1>;
  }
  return (
    <>
      <Header>
        <nav aria-label="Huvudmeny">
          <ul>
            {allowed.map((n) => (
              <li key={n.route}>
                <a href={href(n.route)} aria-current={page === n.route ? 'page' : undefined}>{n.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {who.name} · {ROLE_SV[who.role]} · {who.organisationName ?? who.organisation}
          </span>
          <button type="button" className="secondary" onClick={() => void signOut(cfg).then(() => setWho(undefined))}>Logga ut</button>
        </div>
      </Header>
      <main id="main" ref={mainRef}>{content}</main>
    </>
  );
}

function Header({ children }: { children?: React.ReactNode }) {
  return (
    <header className="top">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.querySelector('h1')?.focus(); }}>Till innehållet</a>
      <span className="brand">Trygg utskrivning</span>
      {children}
    </header>
  );
}
