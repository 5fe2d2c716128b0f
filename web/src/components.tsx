/**
 * Pieces every process page shows alike (the episode, the enrollment, the visit order): the view
 * and its allowed actions loaded and polled, the actions now, the open obligations with their
 * deadline in words, the deviations, the timeline with its sent and recorded times, and an action
 * the state does not allow, with the sentence its 409 would give.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { components } from './generated/api';
import type { ApiError } from './api';
import { dateTimeSv, weekdayDate } from './format';
import { deviationSv, DEVIATION_STATUS_SV, MESSAGE_SV, OBLIGATION_VERB_SV, PARTY_SV, refusalSv } from './sv';
import { municipalityName } from '../../src/domain/reference/municipalities';

/** An action a process offers now (GET …/allowed-actions of an episode, an enrollment or an order), as the API document types it. */
export type AllowedAction = components['schemas']['AllowedActions' | 'EnrollmentAllowedActions' | 'VisitOrderAllowedActions']['actions'][number];

export interface Party { kind: string; id: string }

/** A party's name: a municipality by its name and kommunkod, any other party by its id. */
export const partyName = (p: Party) => (p.kind === 'municipality' ? `${municipalityName(p.id) ?? p.id} kommun (${p.id})` : p.id);

/**
 * The process's view and the actions it allows now, loaded at once and again every 10 seconds.
 * `fetchBoth` asks for both (keep it from changing between renders: useCallback); `done` says an
 * action was registered (in the page's status line) and loads again.
 */
export function useProcessView<V>(fetchBoth: () => Promise<[V, { actions: AllowedAction[] }]>) {
  const [view, setView] = useState<V>();
  const [actions, setActions] = useState<AllowedAction[]>([]);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');

  const load = useCallback(async () => {
    try {
      const [v, a] = await fetchBoth();
      setView(v);
      setActions(a.actions);
      setError(undefined);
    } catch (e) {
      const err = e as ApiError;
      setError(refusalSv(err.code, err.message));
    }
  }, [fetchBoth]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => clearInterval(t);
  }, [load]);

  const done = async (what: string) => {
    setStatus(`${what}: registrerat.`);
    await load();
  };
  return { view, actions, error, status, done };
}

/** The actions the process offers the signed-in person now, each as `control` shows it; `empty` when there are none. */
export function ActionsPanel({ actions, empty, control }: { actions: AllowedAction[]; empty: string; control: (a: AllowedAction) => ReactNode }) {
  return (
    <section aria-labelledby="h-actions" className="panel">
      <h2 id="h-actions">Åtgärder nu</h2>
      {actions.length === 0 ? <p className="empty">{empty}</p> : (
        <ul className="actions">
          {actions.map((a) => (
            <li key={`${a.type}-${a.messageId ?? ''}`}>{control(a)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface OpenObligation { obligationId: string; kind: string; messageId?: string; responsible: Party; dueLocalDate: string; status: string }

/**
 * The open obligations, each named by the message it answers (or its kind), with who must act and
 * the deadline in words; an overdue one says so. With `own` (the signed-in person's organisation),
 * that organisation's obligations say "(din enhet)".
 */
export function ObligationsPanel({ obligations, messages, own }: { obligations: OpenObligation[]; messages: { messageId: string; type: string }[]; own?: string }) {
  return (
    <section aria-labelledby="h-obl" className="panel">
      <h2 id="h-obl">Öppna åtaganden</h2>
      {obligations.length === 0 ? <p className="empty">Inga öppna åtaganden.</p> : (
        <ul className="obligations">
          {obligations.map((o) => {
            const msg = o.messageId ? messages.find((m) => m.messageId === o.messageId) : undefined;
            return (
              <li key={o.obligationId} className={o.status === 'overdue' ? 'overdue' : undefined}>
                <strong>{msg ? MESSAGE_SV[msg.type] ?? msg.type : o.kind}</strong> – {PARTY_SV[o.responsible.kind]} {partyName(o.responsible)}{own !== undefined && o.responsible.id === own ? ' (din enhet)' : ''}:{' '}
                <span className="deadline">{OBLIGATION_VERB_SV[o.kind] ?? 'senast'} {weekdayDate(o.dueLocalDate)}</span>
                {o.status === 'overdue' && <span className="late"> – försenad</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

interface DeviationRow { deviationId: string; type: string; description: string; responsible: Party; deadlineAt: string; status: string }

/** The deviations with their status, who is responsible and the deadline; with `markOpen`, an open one has the class `deviation`. */
export function DeviationsPanel({ deviations, markOpen = false }: { deviations: DeviationRow[]; markOpen?: boolean }) {
  return (
    <section aria-labelledby="h-dev" className="panel">
      <h2 id="h-dev">Avvikelser</h2>
      {deviations.length === 0 ? <p className="empty">Inga avvikelser.</p> : (
        <ul>
          {deviations.map((d) => (
            <li key={d.deviationId} className={markOpen && d.status === 'open' ? 'deviation' : undefined}>
              <strong>{DEVIATION_STATUS_SV[d.status] ?? d.status}</strong>: {deviationSv(d)} – {PARTY_SV[d.responsible.kind]} {partyName(d.responsible)}, tidsgräns {dateTimeSv(d.deadlineAt)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export interface TimelineRow { seq: number; action: string; occurredAt: string; recordedAt: string; actor?: { userId: string; organisation: string }; summary: string }

/** The process's timeline; a back-registered entry (recorded over a minute after it happened) says so. */
export function TimelinePanel({ timeline, caption, labelOf }: { timeline: TimelineRow[]; caption: string; labelOf: (t: TimelineRow) => string }) {
  return (
    <section aria-labelledby="h-time" className="panel">
      <h2 id="h-time">Händelser</h2>
      <table className="timeline">
        <caption className="visually-hidden">{caption}</caption>
        <thead><tr><th scope="col">Händelse</th><th scope="col">Inträffade</th><th scope="col">Registrerades</th><th scope="col">Av</th></tr></thead>
        <tbody>
          {timeline.map((t) => (
            <tr key={t.seq}>
              <td>{labelOf(t)}</td>
              <td>{dateTimeSv(t.occurredAt)}</td>
              <td>{Math.abs(Date.parse(t.recordedAt) - Date.parse(t.occurredAt)) > 60_000 ? <strong>{dateTimeSv(t.recordedAt)} (efterregistrerad)</strong> : dateTimeSv(t.recordedAt)}</td>
              <td>{t.actor ? `${t.actor.userId}, ${t.actor.organisation}` : 'systemet'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** An action the state does not allow: shown disabled, with why (the domain's refusal, in Swedish). */
export function DisabledAction({ id, label, action }: { id: string; label: string; action: AllowedAction }) {
  return (
    <div className="action disabled">
      <button type="button" disabled aria-describedby={`${id}-why`}>{label}</button>
      <p className="why" id={`${id}-why`}>{action.refusal ? refusalSv(action.refusal.code, action.refusal.message) : 'Inte möjligt nu.'}</p>
    </div>
  );
}
