/**
 * Vårdtillfälle: parties, status, timeline (sent and recorded times), open obligations with their
 * deadline in words, deviations, and the actions the episode allows now — from
 * GET /api/episodes/{id}/allowed-actions, which answers with the domain's own refusal rule. A
 * refused action is shown disabled with the sentence its 409 gives; forms are validated with the
 * server's zod schemas (src/api/schemas/discharge.ts) and a 409 is shown at the field it concerns.
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { dateTimeSv, todaySv, localInputToIso, weekdayDate } from '../format';
import type { SignedIn } from '../session';
import { ACTION_SV, TIMELINE_SV, MESSAGE_SV, PARTY_SV, REFUSAL_FIELD, refusalSv, STATUS_SV } from '../sv';
import { ACTION_BODIES } from '../../../src/api/schemas/discharge';
import { PATIENT_IDENTITY_ROLES } from '../../../src/auth/policy';
import { ActionsPanel, DeviationsPanel, DisabledAction, ObligationsPanel, partyName, TimelinePanel, useProcessView, type AllowedAction, type Party } from '../components';
import { fieldErrors, fieldSetter, firstDetail } from '../forms';

interface Obligation { obligationId: string; kind: string; messageId?: string; responsible: Party; dueAt: string; dueLocalDate: string; status: string }
interface Deviation { deviationId: string; type: string; responsible: Party; description: string; deadlineAt: string; status: string; escalation: string }
interface TimelineEntry { seq: number; action: string; occurredAt: string; recordedAt: string; actor?: { userId: string; organisation: string }; summary: string }
interface Message { messageId: string; type: string; sender: Party; occurredAt: string; recordedAt: string }
export interface EpisodeView {
  episodeId: string;
  status: string;
  region: string;
  psychiatric: boolean;
  parties: { inpatient: Party; municipality: Party; primaryCare: Party; psychiatricOutpatient?: Party };
  admittedAt: string;
  expectedReadyDate?: string;
  checklist: { criteria: Record<string, boolean>; complete: boolean; medicinesSecuredUntil?: string };
  readyPeriods: { readyDate: string; endDate?: string }[];
  discharge?: { dischargedAt: string; noticeSentAt?: string };
  messages: Message[];
  openObligations: Obligation[];
  deviations: Deviation[];
  timeline: TimelineEntry[];
}

const ID_KIND_SV: Record<string, string> = { personnummer: 'Personnummer', samordningsnummer: 'Samordningsnummer', reservnummer: 'Reservnummer' };

/**
 * Who the patient is, for the roles that may see it (src/auth/policy.ts PATIENT_IDENTITY_ROLES):
 * read once per page from GET /api/episodes/{id}/patient, which writes the read to the access log
 * as every read of patient data does. Other roles never ask.
 */
function usePatient(who: SignedIn, episodeId: string): { kind: string; value: string } | undefined {
  const [patient, setPatient] = useState<{ kind: string; value: string }>();
  useEffect(() => {
    if (!PATIENT_IDENTITY_ROLES.includes(who.role)) return;
    let live = true;
    ok<{ patient: { kind: string; value: string } }>(api.GET('/api/episodes/{episodeId}/patient', { params: { path: { episodeId } } }))
      .then((r) => live && setPatient(r.patient))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [who.role, episodeId]);
  return patient;
}

const CRITERIA_SV: Record<string, string> = {
  admissionNoticeSent: 'Inskrivningsmeddelande skickat',
  readyDateSet: 'Datum för utskrivningsklar satt',
  aidsAndMedicationListInPlace: 'Hjälpmedel och aktuell läkemedelslista finns',
  medicinesSecured: 'Läkemedel, material och nutrition säkrade i tre dagar',
  informationTransferred: 'Information för fortsatt vård överförd',
};

export function EpisodePage({ who, episodeId }: { who: SignedIn; episodeId: string }) {
  const fetchBoth = useCallback(() => {
    const params = { params: { path: { episodeId } } };
    return Promise.all([
      ok<EpisodeView>(api.GET('/api/episodes/{episodeId}', params)),
      ok<{ actions: AllowedAction[] }>(api.GET('/api/episodes/{episodeId}/allowed-actions', params)),
    ]);
  }, [episodeId]);
  const { view, actions, error, status, done } = useProcessView(fetchBoth);
  const patient = usePatient(who, episodeId);

  if (error && !view) return (<section><h1 tabIndex={-1}>Vårdtillfälle</h1><p role="alert" className="error">{error}</p></section>);
  if (!view) return (<section><h1 tabIndex={-1}>Vårdtillfälle</h1><p>Laddar…</p></section>);
  const p = view.parties;
  return (
    <section>
      <h1 tabIndex={-1}>Vårdtillfälle {view.episodeId.slice(0, 8)}</h1>
      {patient && <p className="patient">Patient: {ID_KIND_SV[patient.kind] ?? patient.kind} <strong>{patient.value}</strong></p>}
      <p className="status-line">
        Status: <strong className={`badge status-${view.status}`}>{STATUS_SV[view.status] ?? view.status}</strong>
        {' '}· Inskriven {dateTimeSv(view.admittedAt)}
        {view.expectedReadyDate && <> · Preliminärt utskrivningsklar {weekdayDate(view.expectedReadyDate)}</>}
        {view.psychiatric && <> · Psykiatrisk slutenvård</>}
      </p>
      <p role="status" className="status">{status}</p>

      <div className="columns">
        <div>
          <ActionsPanel actions={actions} empty="Din roll har inga åtgärder i detta vårdtillfälle." control={(a) => <ActionControl action={a} view={view} episodeId={episodeId} who={who} onDone={done} />} />
          <ObligationsPanel obligations={view.openObligations} messages={view.messages} own={who.organisation} />
          <DeviationsPanel deviations={view.deviations} markOpen />
        </div>

        <div>
          <section aria-labelledby="h-parties" className="panel">
            <h2 id="h-parties">Parter</h2>
            <dl className="parties">
              <dt>{PARTY_SV.inpatient}</dt><dd>{partyName(p.inpatient)}</dd>
              <dt>{PARTY_SV.municipality}</dt><dd>{partyName(p.municipality)}</dd>
              <dt>{PARTY_SV.primaryCare}</dt><dd>{partyName(p.primaryCare)}</dd>
              {p.psychiatricOutpatient && (<><dt>{PARTY_SV.psychiatricOutpatient}</dt><dd>{partyName(p.psychiatricOutpatient)}</dd></>)}
            </dl>
          </section>
          <section aria-labelledby="h-check" className="panel">
            <h2 id="h-check">Hemgångsklar {view.checklist.complete ? '– klar' : '– ej klar'}</h2>
            <ul className="checklist">
              {Object.entries(view.checklist.criteria).map(([k, v]) => (
                <li key={k}>{v ? '✓' : '✗'} <span className="visually-hidden">{v ? 'uppfyllt:' : 'ej uppfyllt:'}</span> {CRITERIA_SV[k] ?? k}</li>
              ))}
            </ul>
          </section>
        </div>
      </div>

      <TimelinePanel timeline={view.timeline} caption="Vårdtillfällets händelser i ordning" labelOf={(t) => TIMELINE_SV[t.action] ?? t.summary} />
    </section>
  );
}

// ---- actions ------------------------------------------------------------------------------------

type Fields = Record<string, string | boolean>;
type FieldErrors = Record<string, string>;

/** The body of each action from its form's fields. */
function bodyOf(type: string, f: Fields, view: EpisodeView, who: SignedIn): Record<string, unknown> {
  const s = (k: string) => (typeof f[k] === 'string' && f[k] !== '' ? (f[k] as string) : undefined);
  switch (type) {
    case 'admissionNotice': return { expectedReadyDate: s('date') };
    case 'markReady': return { readyDate: s('date') };
    case 'withdrawReadiness': return { date: s('date'), reason: s('reason') };
    case 'updateChecklist': return { aidsAndMedicationListInPlace: !!f.aids, medicinesSecured: !!f.medicines, informationTransferred: !!f.information };
    case 'discharge': return { sendNotice: f.sendNotice !== false };
    case 'cancel': return { reason: s('reason') ?? 'PLANNING_CANCELLED', comment: s('comment') };
    case 'reportDeviation': {
      const party = Object.values(view.parties).find((x) => x && x.id === s('responsible')) ?? view.parties.inpatient;
      return { responsible: party, description: s('description') };
    }
    case 'planningNeeded': return { flow: s('flow') ?? 'a', consent: s('consent') ?? 'given', formOfCare: s('formOfCare') };
    case 'sendInvitation': return { meetingAt: s('meetingAt') ? localInputToIso(s('meetingAt')!) : undefined, place: s('place'), mode: s('mode') ?? 'inPerson', location: s('location') ?? 'hospital', inviteInpatient: true };
    case 'appointNamedCareContact': return { contact: s('contact') };
    case 'recordSip': return { coordinator: s('coordinator'), responsibilities: [{ party: s('party') ?? who.organisationName ?? who.organisation, responsibility: s('responsibility') }], selfCareAssessment: !!f.selfCare };
    default: return {};
  }
}

/** Which form field each body property is entered in. */
const FIELD_OF_PROPERTY: Record<string, string> = { expectedReadyDate: 'date', readyDate: 'date', date: 'date', responsibilities: 'responsibility' };

async function send(type: string, path: string, episodeId: string, body: Record<string, unknown>): Promise<void> {
  // the path is one of ACTION_BODIES' (the server's own table of action endpoints)
  await ok(api.POST(`/api/episodes/{episodeId}/${path}` as '/api/episodes/{episodeId}/ready', {
    params: { path: { episodeId } },
    body: body as never,
    headers: { 'Idempotency-Key': `${type}-${idempotencyKey()}` },
  }));
}

function ActionControl({ action, view, episodeId, who, onDone }: { action: AllowedAction; view: EpisodeView; episodeId: string; who: SignedIn; onDone: (what: string) => Promise<void> }) {
  const label = ACTION_SV[action.type] ?? action.sv;
  const id = `act-${action.type}-${action.messageId ?? ''}`;
  if (!action.allowed) {
    return <DisabledAction id={id} label={label} action={action} />;
  }
  if (action.type === 'acknowledge') {
    const m = view.messages.find((x) => x.messageId === action.messageId);
    const what = m ? MESSAGE_SV[m.type] ?? m.type : 'meddelande';
    return <ActionForm id={id} label={`Kvittera ${what.toLowerCase()}`} action={action} view={view} who={who} episodeId={episodeId} onDone={onDone} inline fixed={{ messageId: action.messageId }} />;
  }
  const inline = ['recordPlanningMeeting', 'recordTreatmentPlan', 'sendDischargeNotice', 'acknowledgeSip'].includes(action.type);
  return <ActionForm id={id} label={label} action={action} view={view} who={who} episodeId={episodeId} onDone={onDone} inline={inline} />;
}

function ActionForm({ id, label, action, view, who, episodeId, onDone, inline, fixed }: {
  id: string; label: string; action: AllowedAction; view: EpisodeView; who: SignedIn; episodeId: string; onDone: (what: string) => Promise<void>; inline?: boolean; fixed?: Record<string, unknown>;
}) {
  const initial: Fields = {
    date: action.type === 'admissionNotice' ? (view.expectedReadyDate ?? '') : todaySv(),
    sendNotice: true,
    aids: view.checklist.criteria.aidsAndMedicationListInPlace ?? false,
    medicines: view.checklist.criteria.medicinesSecured ?? false,
    information: view.checklist.criteria.informationTransferred ?? false,
  };
  const [f, setF] = useState<Fields>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = fieldSetter(setF);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...bodyOf(action.type, f, view, who), ...fixed };
    // the server's own schema (shared code): the same fields are refused here as there
    const schema = ACTION_BODIES[action.type as keyof typeof ACTION_BODIES].body.strict();
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const errs: FieldErrors = {};
      for (const i of parsed.error.issues) {
        const prop = String(i.path[0] ?? '');
        const field = FIELD_OF_PROPERTY[prop] ?? prop;
        errs[field] ??= fieldMessageSv(i.message);
      }
      setErrors(errs);
      return;
    }
    setBusy(true);
    try {
      await send(action.type, action.path, episodeId, body);
      setErrors({});
      await onDone(label);
    } catch (err) {
      const a = err as ApiError;
      const field = REFUSAL_FIELD[a.code] ?? (a.code === 'VALIDATION_FAILED' ? fieldOfValidation(a) : undefined) ?? 'form';
      setErrors({ [field]: refusalSv(a.code, a.message) });
    } finally {
      setBusy(false);
    }
  };

  const { err, described } = fieldErrors(errors, id);
  const text = (k: string, lbl: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${k}`}>{lbl}</label>
      <input id={`${id}-${k}`} name={k} type={type} value={String(f[k] ?? '')} onChange={set(k)} {...described(k)} />
      {err(k)}
    </div>
  );
  const check = (k: string, lbl: string) => (
    <div className="field check">
      <input id={`${id}-${k}`} name={k} type="checkbox" checked={!!f[k]} onChange={set(k)} />
      <label htmlFor={`${id}-${k}`}>{lbl}</label>
    </div>
  );
  const select = (k: string, lbl: string, options: [string, string][]) => (
    <div className="field">
      <label htmlFor={`${id}-${k}`}>{lbl}</label>
      <select id={`${id}-${k}`} name={k} value={String(f[k] ?? options[0]![0])} onChange={set(k)} {...described(k)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {err(k)}
    </div>
  );

  let fields: ReactNode = null;
  switch (action.type) {
    case 'admissionNotice': fields = text('date', 'Preliminärt datum för utskrivningsklar', 'date'); break;
    case 'markReady': fields = text('date', 'Utskrivningsklar från och med', 'date'); break;
    case 'withdrawReadiness': fields = <>{text('date', 'Återtas från och med', 'date')}{text('reason', 'Skäl')}</>; break;
    case 'updateChecklist': fields = <>{check('aids', CRITERIA_SV.aidsAndMedicationListInPlace!)}{check('medicines', CRITERIA_SV.medicinesSecured!)}{check('information', CRITERIA_SV.informationTransferred!)}</>; break;
    case 'discharge': fields = check('sendNotice', 'Skicka utskrivningsmeddelande nu'); break;
    case 'cancel': fields = <>{select('reason', 'Skäl', [['PLANNING_CANCELLED', 'Vårdplaneringen avbryts'], ['PATIENT_DIED', 'Patienten har avlidit']])}{text('comment', 'Kommentar (valfri)')}</>; break;
    case 'reportDeviation': fields = <>{select('responsible', 'Ansvarig part', Object.values(view.parties).filter((x): x is Party => !!x).map((x) => [x.id, `${PARTY_SV[x.kind]} ${partyName(x)}`]))}{text('description', 'Beskrivning')}</>; break;
    case 'planningNeeded': fields = <>
      {select('flow', 'Flöde', [['a', 'a: nya behov – SIP'], ['b', 'b: befintliga kommunala insatser'], ['c', 'c: endast socialtjänst']])}
      {select('consent', 'Samtycke', [['given', 'Patienten samtycker'], ['declined', 'Patienten samtycker inte']])}
      {view.psychiatric && text('formOfCare', 'Vårdform')}
    </>; break;
    case 'sendInvitation': fields = <>
      {text('meetingAt', 'Mötestid', 'datetime-local')}
      {text('place', 'Plats')}
      {select('mode', 'Form', [['inPerson', 'Fysiskt möte'], ['video', 'Video'], ['phone', 'Telefon']])}
      {select('location', 'Var', [['hospital', 'Sjukhuset'], ['home', 'Hemmet'], ['healthCentre', 'Vårdcentralen'], ['other', 'Annat']])}
    </>; break;
    case 'appointNamedCareContact': fields = text('contact', 'Fast vårdkontakt (namn, titel)'); break;
    case 'recordSip': fields = <>{text('coordinator', 'Samordningsansvarig')}{text('responsibility', 'Ansvar (din enhet)')}{check('selfCare', 'Egenvårdsbedömning gjord')}</>; break;
  }

  const form = (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={label}>
      {fields}
      {err('form')}
      <button type="submit" disabled={busy} {...described('form')}>{label}</button>
    </form>
  );
  if (inline) return <div className="action">{form}</div>;
  return (
    <details className="action">
      <summary>{label}</summary>
      {form}
    </details>
  );
}

function fieldOfValidation(a: ApiError): string | undefined {
  const { prop } = firstDetail(a);
  return prop ? FIELD_OF_PROPERTY[prop] ?? prop : undefined;
}

/** zod's English messages of the shared schemas, in Swedish where we know them. */
function fieldMessageSv(m: string): string {
  if (/must not be empty|Required|expected string, received undefined|Invalid input/i.test(m)) return 'Fyll i fältet.';
  if (/date/i.test(m)) return 'Ange ett datum (ÅÅÅÅ-MM-DD).';
  if (/at most (\d+) characters/.test(m)) return `Högst ${/at most (\d+)/.exec(m)![1]} tecken.`;
  return m;
}
