/**
 * Administratör: find a process and open it in the Temporal Web UI (by workflow id), and the
 * admin actions the API has (the codec login that lets the Web UI decode payloads).
 */
import { useState } from 'react';
import type { SignedIn } from '../session';

const WORKFLOW_PREFIX: Record<string, string> = { discharge: 'discharge-', homeHealthCare: 'homecare-', singleHomeVisit: 'homevisit-' };

export function AdminPage({ who }: { who: SignedIn }) {
  const [kind, setKind] = useState('discharge');
  const [id, setId] = useState('');
  const ui = `${location.protocol}//${location.hostname}:8233`;
  const workflowId = id ? `${WORKFLOW_PREFIX[kind]}${id.trim()}` : '';
  return (
    <section>
      <h1 tabIndex={-1}>Administratör</h1>
      <p className="muted">Inloggad som {who.name}, {who.organisation}.</p>
      <section aria-labelledby="h-find">
        <h2 id="h-find">Öppna en process i Temporal Web UI</h2>
        <div className="field">
          <label htmlFor="a-kind">Process</label>
          <select id="a-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="discharge">Utskrivning (vårdtillfälle)</option>
            <option value="homeHealthCare">Hemsjukvård</option>
            <option value="singleHomeVisit">Enstaka hembesök</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-id">Id</label>
          <input id="a-id" value={id} onChange={(e) => setId(e.target.value)} />
        </div>
        {workflowId && <p><a href={`${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`} target="_blank" rel="noreferrer">Öppna {workflowId} i Temporal Web UI (nytt fönster)</a></p>}
      </section>
      <section aria-labelledby="h-tools">
        <h2 id="h-tools">Verktyg</h2>
        <ul>
          <li><a href="/codec/login">Inloggning för avkodning i Temporal Web UI</a></li>
          <li><a href="/docs">API-dokumentation</a></li>
          <li><a href="/reports/indicators">Indikatorrapport</a></li>
        </ul>
      </section>
    </section>
  );
}
