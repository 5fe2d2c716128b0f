/**
 * Samordnare: the organisation's escalated deviations (GET /api/coordinators/{org}/inbox), oldest
 * missed deadline first: take it on (kvittera eskalering), comment, reassign to a unit, close.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { deadlineSv, durationSv } from '../format';
import { href } from '../router';
import type { SignedIn } from '../session';
import { deviationSv, PARTY_SV, PROCESS_SV, STATUS_SV, refusalSv } from '../sv';

interface Escalation {
  deviation_id: string; process_type: string; process_id: string; municipality: string | null; type: string;
  responsible_kind: string; responsible_id: string; assigned_id: string | null; description: string; deadline_at: string;
  escalated_at: string | null; escalation_acknowledged_at: string | null; escalation_acknowledged_by: string | null;
  comments: unknown; process_status: string | null;
}

const RESOLUTION_SV: [string, string][] = [
  ['ACTION_TAKEN', 'Åtgärd vidtagen'], ['ROUTINE_CHANGED', 'Rutin ändrad'], ['NOT_A_DEVIATION', 'Inte en avvikelse'], ['DUPLICATE', 'Dubblett'], ['OTHER', 'Annat'],
];

export function CoordinatorPage({ who }: { who: SignedIn }) {
  const [items, setItems] = useState<Escalation[]>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');
  const load = useCallback(async () => {
    try {
      const r = await ok<{ items: Escalation[] }>(api.GET('/api/coordinators/{organisationId}/inbox', { params: { path: { organisationId: who.organisation } } }));
      setItems(r.items);
      setError(undefined);
    } catch (e) {
      const a = e as ApiError;
      setError(a.code === 'ORGANISATION_NOT_FOUND' ? `Organisationen ${who.organisation} har inga samordnare konfigurerade (REGIONS_FILE).` : refusalSv(a.code, a.message));
    }
  }, [who.organisation]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5_000);
    return () => clearInterval(t);
  }, [load]);

  const act = async (d: Escalation, what: string, path: 'acknowledge-escalation' | 'comments' | 'reassign' | 'close', body: Record<string, unknown>) => {
    await ok(api.POST(`/api/deviations/{deviationId}/${path}` as '/api/deviations/{deviationId}/comments', {
      params: { path: { deviationId: d.deviation_id } }, body: body as never, headers: { 'Idempotency-Key': idempotencyKey() },
    }));
    setStatus(`${what}: registrerat.`);
    await load();
  };

  return (
    <section>
      <h1 tabIndex={-1}>Samordnarens inkorg – {who.organisationName ?? who.organisation}</h1>
      <p className="muted">Eskalerade avvikelser, den äldsta missade tidsgränsen först.</p>
      <p role="status" className="status">{status}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {!items ? (!error && <p>Laddar…</p>) : items.length === 0 ? <p className="empty">Inga eskalerade avvikelser.</p> : (
        <ul className="worklist escalations">
          {items.map((d) => <EscalationItem key={d.deviation_id} d={d} act={act} />)}
        </ul>
      )}
    </section>
  );
}

function EscalationItem({ d, act }: { d: Escalation; act: (d: Escalation, what: string, path: 'acknowledge-escalation' | 'comments' | 'reassign' | 'close', body: Record<string, unknown>) => Promise<void> }) {
  const [comment, setComment] = useState('');
  const [unit, setUnit] = useState('');
  const [resolution, setResolution] = useState('ACTION_TAKEN');
  const [error, setError] = useState<string>();
  const id = `esc-${d.deviation_id}`;
  const run = (what: string, path: 'acknowledge-escalation' | 'comments' | 'reassign' | 'close', body: Record<string, unknown>) => async (e?: FormEvent) => {
    e?.preventDefault();
    try {
      await act(d, what, path, body);
      setError(undefined);
      setComment('');
    } catch (err) {
      const a = err as ApiError;
      setError(refusalSv(a.code, a.message));
    }
  };
  const late = Date.now() - Date.parse(d.deadline_at);
  const unitBody = () => (/^\d{4}$/.test(unit) ? { kind: 'municipality', id: unit } : { kind: d.responsible_kind === 'municipality' ? 'primaryCare' : d.responsible_kind, id: unit });
  return (
    <li className="overdue">
      <div className="item-main">
        <strong>{deviationSv(d)}</strong>
        <div className="deadline">Tidsgränsen var {deadlineSv(d.deadline_at)} <span className="late">– försenad {durationSv(late)}</span></div>
        <div className="muted">
          {PROCESS_SV[d.process_type] ?? d.process_type}{d.process_status ? ` · ${STATUS_SV[d.process_status] ?? d.process_status}` : ''} · ansvarig: {PARTY_SV[d.responsible_kind] ?? d.responsible_kind} {d.responsible_id}
          {d.process_type === 'discharge' && <> · <a href={href('vardtillfalle', d.process_id)}>Öppna vårdtillfället</a></>}
        </div>
        <div>{d.escalation_acknowledged_at ? <span className="badge">Tagen av {d.escalation_acknowledged_by}</span> : <span className="badge warn">Ingen har tagit den</span>}</div>
        {error && <p className="error" role="alert">{error}</p>}
      </div>
      <div className="item-actions stacked">
        {!d.escalation_acknowledged_at && <button type="button" onClick={() => void run('Eskaleringen tagen', 'acknowledge-escalation', {})()}>Ta ärendet</button>}
        <form onSubmit={(e) => void run('Kommentar', 'comments', { comment })(e)} aria-label="Kommentera">
          <label htmlFor={`${id}-c`}>Kommentar</label>
          <input id={`${id}-c`} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="submit" className="secondary">Kommentera</button>
        </form>
        <form onSubmit={(e) => void run('Överlämnad', 'reassign', { unit: unitBody(), ...(comment ? { comment } : {}) })(e)} aria-label="Överlämna">
          <label htmlFor={`${id}-u`}>Överlämna till enhet (HSA-id eller kommunkod)</label>
          <input id={`${id}-u`} value={unit} onChange={(e) => setUnit(e.target.value)} />
          <button type="submit" className="secondary">Överlämna</button>
        </form>
        <form onSubmit={(e) => void run('Avvikelsen avslutad', 'close', { resolution, comment: comment || 'Avslutad av samordnare' })(e)} aria-label="Avsluta">
          <label htmlFor={`${id}-r`}>Utfall</label>
          <select id={`${id}-r`} value={resolution} onChange={(e) => setResolution(e.target.value)}>
            {RESOLUTION_SV.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
          <button type="submit" className="secondary">Avsluta avvikelsen</button>
        </form>
      </div>
    </li>
  );
}
