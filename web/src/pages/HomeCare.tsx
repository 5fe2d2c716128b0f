/**
 * Hemsjukvård and enstaka hembesök: an enrollment (GET /api/home-care/enrollments/{id}) or a visit
 * order (GET /api/home-visits/{id}) as the parties see it — status, parties, open obligations with
 * their deadline in words, deviations, the timeline, and the actions the process allows now —
 * from GET …/{id}/allowed-actions, which answers with the domain's own refusal rule (the
 * workflow's `allowedActions` query). A refused action is shown disabled with the sentence its
 * 409 gives; forms are validated with the server's zod schemas (src/api/schemas/home-care.ts,
 * home-visit.ts) and a 409 is shown at the field it concerns.
 */
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { localInputToIso, todaySv, weekdayDate } from '../format';
import type { SignedIn } from '../session';
import { MESSAGE_SV, PARTY_SV, REFUSAL_FIELD, refusalSv, TIMELINE_SV } from '../sv';
import { ENROLLMENT_ACTIONS } from '../../../src/api/schemas/home-care';
import { VISIT_ORDER_ACTIONS } from '../../../src/api/schemas/home-visit';
import { ActionsPanel, DeviationsPanel, DisabledAction, ObligationsPanel, partyName, TimelinePanel, useProcessView, type AllowedAction, type Party } from '../components';
import { fieldErrors, fieldSetter, firstDetail } from '../forms';

interface View {
  status: string;
  interventions?: string[];
  startDate?: string;
  endDate?: string;
  invitation?: { meetingAt: string };
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

/** The visit order's timeline differs from an episode's where the same action name means another thing. */
const VISIT_TIMELINE_SV: Record<string, string> = { cancel: 'Beställningen återkallad' };

export function HomeCarePage({ who, kind, id }: { who: SignedIn; kind: 'hemsjukvard' | 'hembesok'; id: string }) {
  const fetchBoth = useCallback(() => {
    const params = { params: { path: { id } } };
    return kind === 'hemsjukvard'
      ? Promise.all([ok<View>(api.GET('/api/home-care/enrollments/{id}', params)), ok<{ actions: AllowedAction[] }>(api.GET('/api/home-care/enrollments/{id}/allowed-actions', params))])
      : Promise.all([ok<View>(api.GET('/api/home-visits/{id}', params)), ok<{ actions: AllowedAction[] }>(api.GET('/api/home-visits/{id}/allowed-actions', params))]);
  }, [kind, id]);
  const { view, actions, error, status, done } = useProcessView(fetchBoth);

  const title = kind === 'hemsjukvard' ? 'Hemsjukvård' : 'Enstaka hembesök';
  if (!view) return (<section><h1 tabIndex={-1}>{title}</h1>{error ? <p role="alert" className="error">{error}</p> : <p>Laddar…</p>}</section>);
  return (
    <section>
      <h1 tabIndex={-1}>{title} {id.slice(0, 8)}</h1>
      <p className="status-line">Status: <strong className="badge">{STATUS_SV[view.status] ?? view.status}</strong></p>
      {view.interventions && (
        <p>Ordinerade insatser: {view.interventions.join(', ')} · {weekdayDate(view.startDate!)} – {weekdayDate(view.endDate!)}</p>
      )}
      <p role="status" className="status">{status}</p>
      <div className="columns">
        <div>
          <ActionsPanel actions={actions} empty="Din roll har inga åtgärder i detta ärende." control={(a) => <ActionControl kind={kind} action={a} view={view} id={id} who={who} onDone={done} />} />
          <ObligationsPanel obligations={view.openObligations} messages={view.messages} />
          <DeviationsPanel deviations={view.deviations} />
        </div>
        <section aria-labelledby="h-parties" className="panel">
          <h2 id="h-parties">Parter</h2>
          <dl className="parties">
            <dt>{PARTY_SV.municipality}</dt><dd>{partyName(view.parties.municipality)}</dd>
            <dt>{PARTY_SV.primaryCare}</dt><dd>{partyName(view.parties.primaryCare)}</dd>
          </dl>
        </section>
      </div>
      <TimelinePanel timeline={view.timeline} caption="Händelser i ordning" labelOf={(t) => (kind === 'hembesok' ? VISIT_TIMELINE_SV[t.action] : undefined) ?? TIMELINE_SV[t.action] ?? t.summary} />
    </section>
  );
}

// ---- actions ------------------------------------------------------------------------------------

type Fields = Record<string, string | boolean>;
type FieldKind = 'text' | 'textarea' | 'date' | 'datetime' | 'select' | 'interventions' | 'parties';
interface FieldSpec { name: string; label: string; kind: FieldKind; options?: [string, string][] }

/** The button (and form title) of each action, with the glossary's terms. */
const LABEL_SV: Record<string, string> = {
  sendInvitation: 'Skicka kallelse till samordnad planering',
  appointNamedCareContact: 'Utse fast vårdkontakt',
  recordPlanningMeeting: 'Registrera genomförd samordnad planering',
  recordSip: 'Upprätta SIP',
  appointNamedDoctor: 'Utse fast läkarkontakt',
  recordMedicationReview: 'Registrera läkemedelsgenomgång',
  recordEndOfLifeConversation: 'Registrera brytpunktssamtal',
  decideEnrollment: 'Beslut om inskrivning i hemsjukvård',
  updateSip: 'Uppdatera din del av SIP:en',
  sendMessage: 'Skicka generellt meddelande',
  careNoLongerNeeded: 'Meddela att behovet av hemsjukvård upphör',
  closeSip: 'Avsluta SIP:en',
  recordDeath: 'Registrera att patienten har avlidit',
  recordMove: 'Registrera att patienten har flyttat',
  reportDeviation: 'Rapportera avvikelse',
  accept: 'Acceptera uppdraget',
  decline: 'Avböj uppdraget',
  reportVisit: 'Återkoppla utfört hembesök',
  cancel: 'Återkalla beställningen',
};

/** The fields of each action's form (none: a single button). */
const FIELDS: Record<string, FieldSpec[]> = {
  sendInvitation: [
    { name: 'meetingAt', label: 'Mötestid', kind: 'datetime' },
    { name: 'location', label: 'Var', kind: 'select', options: [['healthCentre', 'På vårdcentralen'], ['home', 'I hemmet']] },
  ],
  appointNamedCareContact: [{ name: 'contact', label: 'Fast vårdkontakt (namn, titel)', kind: 'text' }],
  recordSip: [
    { name: 'selfCareAssessment', label: 'Egenvårdsbedömning', kind: 'textarea' },
    { name: 'part', label: 'Din del av SIP:en', kind: 'textarea' },
  ],
  appointNamedDoctor: [
    { name: 'doctor', label: 'Fast läkarkontakt (namn)', kind: 'text' },
    { name: 'unit', label: 'Vårdcentral (HSA-id)', kind: 'text' },
  ],
  decideEnrollment: [
    { name: 'decision', label: 'Beslut', kind: 'select', options: [['enroll', 'Patienten skrivs in i hemsjukvården'], ['decline', 'Patienten skrivs inte in']] },
    { name: 'reason', label: 'Skäl (när patienten inte skrivs in)', kind: 'text' },
  ],
  updateSip: [{ name: 'part', label: 'Din del av SIP:en', kind: 'textarea' }],
  sendMessage: [{ name: 'text', label: 'Meddelande', kind: 'textarea' }],
  careNoLongerNeeded: [{ name: 'text', label: 'Meddelande (valfritt)', kind: 'textarea' }],
  recordDeath: [{ name: 'date', label: 'Dödsdatum', kind: 'date' }],
  recordMove: [{ name: 'toMunicipality', label: 'Ny kommun (kommunkod, valfritt)', kind: 'text' }],
  reportDeviation: [
    { name: 'responsible', label: 'Ansvarig part', kind: 'parties' },
    { name: 'description', label: 'Beskrivning', kind: 'text' },
  ],
  decline: [{ name: 'reason', label: 'Skäl', kind: 'text' }],
  reportVisit: [
    { name: 'performedOn', label: 'Besöksdatum', kind: 'date' },
    { name: 'interventions', label: 'Utförda insatser', kind: 'interventions' },
    { name: 'note', label: 'Anteckning (valfri)', kind: 'textarea' },
  ],
  cancel: [{ name: 'reason', label: 'Skäl', kind: 'text' }],
};

function ActionControl({ kind, action, view, id, who, onDone }: { kind: 'hemsjukvard' | 'hembesok'; action: AllowedAction; view: View; id: string; who: SignedIn; onDone: (what: string) => Promise<void> }) {
  const domId = `act-${action.type}-${action.messageId ?? ''}`;
  if (action.type === 'acknowledge') {
    const m = view.messages.find((x) => x.messageId === action.messageId);
    const what = m ? MESSAGE_SV[m.type] ?? m.type : 'meddelande';
    return <ActionForm kind={kind} domId={domId} label={`Kvittera ${what.toLowerCase()}`} action={action} view={view} id={id} who={who} onDone={onDone} fixed={{ messageId: action.messageId }} />;
  }
  const label = LABEL_SV[action.type] ?? action.sv;
  if (!action.allowed) {
    return <DisabledAction id={domId} label={label} action={action} />;
  }
  return <ActionForm kind={kind} domId={domId} label={label} action={action} view={view} id={id} who={who} onDone={onDone} />;
}

function ActionForm({ kind, domId, label, action, view, id, who, onDone, fixed }: {
  kind: 'hemsjukvard' | 'hembesok'; domId: string; label: string; action: AllowedAction; view: View; id: string; who: SignedIn; onDone: (what: string) => Promise<void>; fixed?: Record<string, unknown>;
}) {
  const specs = FIELDS[action.type] ?? [];
  const [f, setF] = useState<Fields>(() => ({
    location: 'healthCentre', decision: 'enroll', date: todaySv(), performedOn: todaySv(),
    unit: view.parties.primaryCare.id, responsible: who.organisation,
    ...Object.fromEntries((view.interventions ?? []).map((i) => [`intervention:${i}`, true])),
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = fieldSetter(setF);

  /** The body from the form's fields: empty fields are left out (the schema says which it needs). */
  const bodyOf = (): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    for (const spec of specs) {
      const v = typeof f[spec.name] === 'string' ? (f[spec.name] as string) : '';
      if (spec.kind === 'interventions') body.interventions = (view.interventions ?? []).filter((i) => f[`intervention:${i}`]);
      else if (spec.kind === 'parties') body.responsible = Object.values(view.parties).find((p) => p.id === v) ?? view.parties.primaryCare;
      else if (spec.kind === 'datetime') { if (v) body[spec.name] = localInputToIso(v); }
      else if (v.trim() !== '') body[spec.name] = v;
    }
    if (action.type === 'decideEnrollment' && body.decision === 'enroll') delete body.reason;
    return { ...body, ...fixed };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = bodyOf();
    // the server's own schema (shared code): the same fields are refused here as there
    const table = (kind === 'hemsjukvard' ? ENROLLMENT_ACTIONS : VISIT_ORDER_ACTIONS) as Record<string, { body: { strict: () => { safeParse: (b: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } } } }>;
    const parsed = table[action.type]!.body.strict().safeParse(body);
    if (!parsed.success) {
      const errs: Record<string, string> = {};
      for (const i of parsed.error!.issues) errs[String(i.path[0] ?? 'form')] ??= fieldMessageSv(i.message);
      if (action.type === 'decideEnrollment' && body.decision === 'decline' && !body.reason) errs.reason = 'Ange skälet.';
      setErrors(errs);
      return;
    }
    if (action.type === 'decideEnrollment' && body.decision === 'decline' && !body.reason) {
      setErrors({ reason: 'Ange skälet.' });
      return;
    }
    setBusy(true);
    try {
      const headers = { 'Idempotency-Key': `${action.type}-${idempotencyKey()}` };
      // the path is one of the server's own table of action endpoints (ENROLLMENT_ACTIONS, VISIT_ORDER_ACTIONS)
      if (kind === 'hemsjukvard') {
        await ok(api.POST(`/api/home-care/enrollments/{id}/${action.path}` as '/api/home-care/enrollments/{id}/decision', { params: { path: { id } }, body: body as never, headers }));
      } else {
        await ok(api.POST(`/api/home-visits/{id}/${action.path}` as '/api/home-visits/{id}/accept', { params: { path: { id } }, body: body as never, headers }));
      }
      setErrors({});
      await onDone(label);
    } catch (err) {
      const a = err as ApiError;
      const first = a.code === 'VALIDATION_FAILED' ? firstDetail(a).prop : undefined;
      const field = REFUSAL_FIELD[a.code] ?? first;
      setErrors({ [field && specs.some((x) => x.name === field) ? field : 'form']: refusalSv(a.code, a.message) });
    } finally {
      setBusy(false);
    }
  };

  const { err, described } = fieldErrors(errors, domId);
  const field = (spec: FieldSpec): ReactNode => {
    const fid = `${domId}-${spec.name}`;
    const value = String(f[spec.name] ?? '');
    switch (spec.kind) {
      case 'interventions':
        return (
          <fieldset key={spec.name} className="field" aria-describedby={errors[spec.name] ? `${domId}-${spec.name}-err` : undefined}>
            <legend>{spec.label}</legend>
            {(view.interventions ?? []).map((i, n) => (
              <div className="field check" key={i}>
                <input id={`${fid}-${n}`} type="checkbox" checked={!!f[`intervention:${i}`]} onChange={set(`intervention:${i}`)} />
                <label htmlFor={`${fid}-${n}`}>{i}</label>
              </div>
            ))}
            {err(spec.name)}
          </fieldset>
        );
      case 'select':
      case 'parties': {
        const options = spec.kind === 'parties'
          ? Object.values(view.parties).map((p): [string, string] => [p.id, `${PARTY_SV[p.kind]} ${partyName(p)}`])
          : spec.options!;
        return (
          <div className="field" key={spec.name}>
            <label htmlFor={fid}>{spec.label}</label>
            <select id={fid} value={value || options[0]![0]} onChange={set(spec.name)} {...described(spec.name)}>
              {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
            {err(spec.name)}
          </div>
        );
      }
      case 'textarea':
        return (
          <div className="field" key={spec.name}>
            <label htmlFor={fid}>{spec.label}</label>
            <textarea id={fid} rows={3} value={value} onChange={set(spec.name)} {...described(spec.name)} />
            {err(spec.name)}
          </div>
        );
      default:
        return (
          <div className="field" key={spec.name}>
            <label htmlFor={fid}>{spec.label}</label>
            <input id={fid} type={spec.kind === 'datetime' ? 'datetime-local' : spec.kind === 'date' ? 'date' : 'text'} value={value} onChange={set(spec.name)} {...described(spec.name)} />
            {err(spec.name)}
          </div>
        );
    }
  };

  const form = (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={label}>
      {specs.map(field)}
      {err('form')}
      <button type="submit" disabled={busy} {...described('form')}>{label}</button>
    </form>
  );
  if (specs.length === 0) return <div className="action">{form}</div>;
  return (
    <details className="action">
      <summary>{label}</summary>
      {form}
    </details>
  );
}

/** zod's English messages of the shared schemas, in Swedish where we know them. */
function fieldMessageSv(m: string): string {
  if (/must not be empty|Required|expected string, received undefined|Invalid input/i.test(m)) return 'Fyll i fältet.';
  if (/>=1 items|at least 1/i.test(m)) return 'Välj minst en.';
  if (/kommunkod/i.test(m)) return 'Ange en kommunkod med fyra siffror.';
  if (/HSA/i.test(m)) return 'Ange ett HSA-id, t.ex. SE2321000115-ABC1.';
  if (/date/i.test(m)) return 'Ange ett datum (ÅÅÅÅ-MM-DD).';
  if (/at most (\d+) characters/.test(m)) return `Högst ${/at most (\d+)/.exec(m)![1]} tecken.`;
  return m;
}
