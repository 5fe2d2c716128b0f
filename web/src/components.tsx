/**
 * Pieces every process page shows alike (the episode, the enrollment, the visit order): the
 * timeline with its sent and recorded times, and an action the state does not allow, with the
 * sentence its 409 would give.
 */
import type { components } from './generated/api';
import { dateTimeSv } from './format';
import { refusalSv } from './sv';

/** An action a process offers now (GET …/allowed-actions of an episode, an enrollment or an order), as the API document types it. */
export type AllowedAction = components['schemas']['AllowedActions' | 'EnrollmentAllowedActions' | 'VisitOrderAllowedActions']['actions'][number];

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
