/**
 * Hemsjukvård and enstaka hembesök: an enrollment (GET /api/home-care/enrollments/{id}) or a visit
 * order (GET /api/home-visits/{id}) as the parties see it — status, parties, open obligations with
 * their deadline in words, deviations and the timeline. Its messages are acknowledged from the
 * Inkorg; the other actions of these processes are not in the workspace yet (the API has them).
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, ok } from '../api';
import { dateTimeSv, weekdayDate } from '../format';
import { deviationSv, DEVIATION_STATUS_SV, MESSAGE_SV, OBLIGATION_VERB_SV, PARTY_SV, refusalSv, TIMELINE_SV } from '../sv';
import { municipalityName } from '../../../src/domain/reference/municipalities';

interface Party { kind: string; id: string }
interface View {
  status: string;
  parties: { municipality: Party; primaryCare: Party };
  messages: { messageId: string; type: string }[];
  openObligations: { obligationId: string; kind: string; messageId?: string; responsible: Party; dueLocalDate: string; status: string }[];
  deviations: { deviationId: string; type: string; description: string; responsible: Party; deadlineAt: string; status: string }[];
  timeline: { seq: number; action: string; occurredAt: string; recordedAt: string; actor?: { userId: string; organisation: string }; summary: string }[];
}

const STATUS_SV: Record<string, string> = {
  planning: 'Samordnad planering pågår', enrolled: 'Inskriven i hemsjukvården', ending: 'Avslutas', ended: 'Avslutad', notEnrolled: 'Inte inskriven',
  ordered: 'Beställd – väntar på svar', accepted: 'Accepterad', declined: 'Avböjd', cancelled: 'Avbeställd', completed: 'Genomförd', expired: 'Förfallen utan svar',
};
const partyName = (p: Party) => (p.kind === 'municipality' ? `${municipalityName(p.id) ?? p.id} kommun (${p.id})` : p.id);

export function HomeCarePage({ kind, id }: { kind: 'hemsjukvard' | 'hembesok'; id: string }) {
  const [view, setView] = useState<View>();
  const [error, setError] = useState<string>();
  const load = useCallback(async () => {
    try {
      const params = { params: { path: { id } } };
      setView(kind === 'hemsjukvard'
        ? await ok<View>(api.GET('/api/home-care/enrollments/{id}', params))
        : await ok<View>(api.GET('/api/home-visits/{id}', params)));
    } catch (e) {
      const a = e as ApiError;
      setError(refusalSv(a.code, a.message));
    }
  }, [kind, id]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => clearInterval(t);
  }, [load]);

  const title = kind === 'hemsjukvard' ? 'Hemsjukvård' : 'Enstaka hembesök';
  if (!view) return (<section><h1 tabIndex={-1}>{title}</h1>{error ? <p role="alert" className="error">{error}</p> : <p>Laddar…</p>}</section>);
  return (
    <section>
      <h1 tabIndex={-1}>{title} {id.slice(0, 8)}</h1>
      <p className="status-line">Status: <strong className="badge">{STATUS_SV[view.status] ?? view.status}</strong></p>
      <p className="muted">Meddelanden kvitteras från Inkorgen.</p>
      <div className="columns">
        <div>
          <section aria-labelledby="h-obl" className="panel">
            <h2 id="h-obl">Öppna åtaganden</h2>
            {view.openObligations.length === 0 ? <p className="empty">Inga öppna åtaganden.</p> : (
              <ul className="obligations">
                {view.openObligations.map((o) => {
                  const m = o.messageId ? view.messages.find((x) => x.messageId === o.messageId) : undefined;
                  return (
                    <li key={o.obligationId} className={o.status === 'overdue' ? 'overdue' : undefined}>
                      <strong>{m ? MESSAGE_SV[m.type] ?? m.type : o.kind}</strong> – {PARTY_SV[o.responsible.kind]} {partyName(o.responsible)}:{' '}
                      <span className="deadline">{OBLIGATION_VERB_SV[o.kind] ?? 'senast'} {weekdayDate(o.dueLocalDate)}</span>
                      {o.status === 'overdue' && <span className="late"> – försenad</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section aria-labelledby="h-dev" className="panel">
            <h2 id="h-dev">Avvikelser</h2>
            {view.deviations.length === 0 ? <p className="empty">Inga avvikelser.</p> : (
              <ul>
                {view.deviations.map((d) => (
                  <li key={d.deviationId}><strong>{DEVIATION_STATUS_SV[d.status] ?? d.status}</strong>: {deviationSv(d)} – {PARTY_SV[d.responsible.kind]} {partyName(d.responsible)}, tidsgräns {dateTimeSv(d.deadlineAt)}</li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <section aria-labelledby="h-parties" className="panel">
          <h2 id="h-parties">Parter</h2>
          <dl className="parties">
            <dt>{PARTY_SV.municipality}</dt><dd>{partyName(view.parties.municipality)}</dd>
            <dt>{PARTY_SV.primaryCare}</dt><dd>{partyName(view.parties.primaryCare)}</dd>
          </dl>
        </section>
      </div>
      <section aria-labelledby="h-time" className="panel">
        <h2 id="h-time">Händelser</h2>
        <table className="timeline">
          <caption className="visually-hidden">Händelser i ordning</caption>
          <thead><tr><th scope="col">Händelse</th><th scope="col">Inträffade</th><th scope="col">Registrerades</th><th scope="col">Av</th></tr></thead>
          <tbody>
            {view.timeline.map((t) => (
              <tr key={t.seq}>
                <td>{TIMELINE_SV[t.action] ?? t.summary}</td>
                <td>{dateTimeSv(t.occurredAt)}</td>
                <td>{dateTimeSv(t.recordedAt)}</td>
                <td>{t.actor ? `${t.actor.userId}, ${t.actor.organisation}` : 'systemet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
