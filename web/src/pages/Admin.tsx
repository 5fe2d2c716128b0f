/**
 * Administratör: find a process and open it in the Temporal Web UI (by workflow id), and the
 * admin actions the API has: the region's processes (GET /api/admin/workflows), one described
 * with its pending activities, reset, cancel, terminate and re-run an activity (each with a
 * reason, recorded in the audit log), the audit log itself, and the codec login that lets the Web
 * UI decode payloads.
 */
import { useCallback, useEffect, useState } from 'react';
import type { components } from '../generated/api';
import { api, ApiError, ok } from '../api';
import { dateTimeSv } from '../format';
import { refusalSv } from '../sv';
import type { SignedIn } from '../session';

type WorkflowRow = components['schemas']['WorkflowList']['workflows'][number];
type Description = components['schemas']['WorkflowDescription'];
type AdminAction = components['schemas']['AdminAction'];

const ACTION_SV: Record<AdminAction['action'], string> = { reset: 'Återställd', cancel: 'Avbruten', terminate: 'Avslutad', retryActivity: 'Aktivitet körd om' };

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
      <AdminActions ui={ui} />
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

/** The region's processes, one of them described with the admin actions, and the audit log. */
function AdminActions({ ui }: { ui: string }) {
  const [execution, setExecution] = useState<'running' | 'closed' | 'all'>('running');
  const [rows, setRows] = useState<WorkflowRow[] | undefined>();
  const [selected, setSelected] = useState<Description | undefined>();
  const [log, setLog] = useState<AdminAction[]>([]);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ text: string; error?: boolean } | undefined>();

  const load = useCallback(async () => {
    const [list, actions] = await Promise.all([
      ok<{ workflows: WorkflowRow[] }>(api.GET('/api/admin/workflows', { params: { query: { execution, limit: 25 } } })),
      ok<{ actions: AdminAction[] }>(api.GET('/api/admin/actions', { params: { query: {} } })),
    ]);
    setRows(list.workflows);
    setLog(actions.actions);
  }, [execution]);
  useEffect(() => {
    load().catch((e: ApiError) => setMessage({ text: refusalSv(e.code, e.message), error: true }));
  }, [load]);

  const describe = async (workflowId: string) => {
    setSelected(await ok<Description>(api.GET('/api/admin/workflows/{workflowId}', { params: { path: { workflowId } } })));
  };
  /** An admin action: with a reason, recorded in the audit log; then the process and the log are read again. */
  const run = async (what: string, call: () => Promise<unknown>) => {
    if (!selected) return;
    if (!reason.trim()) {
      setMessage({ text: 'Ange ett skäl: varje administratörsåtgärd loggas med sitt skäl.', error: true });
      document.getElementById('adm-reason')?.focus();
      return;
    }
    try {
      await call();
      setMessage({ text: `${what}: registrerat i loggen.` });
      setReason('');
      await Promise.all([describe(selected.workflowId), load()]);
    } catch (e) {
      const err = e as ApiError;
      setMessage({ text: refusalSv(err.code, err.message), error: true });
    }
  };
  const path = selected ? { workflowId: selected.workflowId } : { workflowId: '' };
  const running = selected?.execution === 'RUNNING';

  return (
    <>
      <section aria-labelledby="h-procs">
        <h2 id="h-procs">Processer i din region</h2>
        <div className="field">
          <label htmlFor="adm-exec">Visa</label>
          <select id="adm-exec" value={execution} onChange={(e) => setExecution(e.target.value as typeof execution)}>
            <option value="running">Pågående</option>
            <option value="closed">Avslutade</option>
            <option value="all">Alla</option>
          </select>
        </div>
        {rows === undefined ? <p>Hämtar …</p> : rows.length === 0 ? <p><em>Inga processer.</em></p> : (
          <table>
            <caption className="visually-hidden">Processer, de senast startade först</caption>
            <thead><tr><th scope="col">Process</th><th scope="col">Typ</th><th scope="col">Status</th><th scope="col">Startad</th></tr></thead>
            <tbody>
              {rows.map((w) => (
                <tr key={`${w.workflowId}/${w.runId}`}>
                  <td><button type="button" className="link" onClick={() => { setMessage(undefined); void describe(w.workflowId); }}>{w.workflowId}</button></td>
                  <td>{w.type}</td>
                  <td>{w.processStatus ?? w.execution}</td>
                  <td>{dateTimeSv(w.startTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {message && <p id="adm-message" role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'status'}>{message.text}</p>}
      {selected && (
        <section aria-labelledby="h-sel">
          <h2 id="h-sel">{selected.workflowId}</h2>
          <p>
            {selected.type} · {selected.execution} · {selected.historyLength} händelser i historiken ·{' '}
            <a href={`${ui}/namespaces/default/workflows/${encodeURIComponent(selected.workflowId)}`} target="_blank" rel="noreferrer">Öppna i Temporal Web UI (nytt fönster)</a>
          </p>
          <h3>Väntande aktiviteter</h3>
          {selected.pendingActivities.length === 0 ? <p><em>Inga.</em></p> : (
            <ul>
              {selected.pendingActivities.map((a) => (
                <li key={a.activityId}>
                  {a.activityType} – försök {a.attempt ?? '?'}{a.maximumAttempts ? ` av ${a.maximumAttempts}` : ''}{a.lastFailure ? `, senaste fel: ${a.lastFailure}` : ''}{' '}
                  <button type="button" onClick={() => void run('Aktiviteten körs om nu', () => ok(api.POST('/api/admin/workflows/{workflowId}/activities/{activityId}/retry', { params: { path: { ...path, activityId: a.activityId } }, body: { reason } })))}>Kör om nu</button>
                </li>
              ))}
            </ul>
          )}
          <div className="field">
            <label htmlFor="adm-reason">Skäl (loggas)</label>
            <input id="adm-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="actions-row">
            <button type="button" onClick={() => void run('Återställd till senaste arbetsuppgift', () => ok(api.POST('/api/admin/workflows/{workflowId}/reset', { params: { path }, body: { reason, to: 'lastWorkflowTask' } })))}>Återställ till senaste arbetsuppgift</button>
            <button type="button" disabled={!running} onClick={() => void run('Avbruten', () => ok(api.POST('/api/admin/workflows/{workflowId}/cancel', { params: { path }, body: { reason } })))}>Avbryt processen</button>
            <button type="button" disabled={!running} onClick={() => void run('Avslutad', () => ok(api.POST('/api/admin/workflows/{workflowId}/terminate', { params: { path }, body: { reason } })))}>Avsluta processen omedelbart</button>
          </div>
        </section>
      )}
      <section aria-labelledby="h-log">
        <h2 id="h-log">Åtgärdslogg (varje åtgärd med sitt skäl)</h2>
        {log.length === 0 ? <p><em>Inga åtgärder.</em></p> : (
          <ul>
            {log.map((a) => <li key={a.actionId}>{dateTimeSv(a.at)}: {ACTION_SV[a.action]} {a.workflowId} av {a.actor.userId} – {a.reason}</li>)}
          </ul>
        )}
      </section>
    </>
  );
}
