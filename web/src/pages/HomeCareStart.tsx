/**
 * Hemsjukvård and enstaka hembesök, the start: a new enrollment (samordnad planering inför
 * inskrivning i hemsjukvård, POST /api/home-care/enrollments) and the health centre's order of a
 * single home visit (beställning av enstaka hembesök, POST /api/home-visits). Every field is
 * validated with the server's own zod schemas (StartEnrollmentBody, StartVisitOrderBody: shared
 * code, as Inskrivning does for episodes); the server's refusal is shown at the field it names.
 * Back-registration after a driftstopp is behind its switch, as on Inskrivning.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { localInputToIso, todaySv } from '../format';
import { go } from '../router';
import type { SignedIn } from '../session';
import { refusalSv } from '../sv';
import { StartEnrollmentBody } from '../../../src/api/schemas/home-care';
import { StartVisitOrderBody } from '../../../src/api/schemas/home-visit';
import { municipalityName } from '../../../src/domain/reference/municipalities';
import { DowntimeFieldset, fieldErrors, fieldSetter, firstDetail, IdKindSelect, idInputProps, idLabelSv, idMessageSv, showErrors } from '../forms';

type Kind = 'hemsjukvard' | 'hembesok';
type Fields = Record<string, string | boolean>;

/** Which field each body property is entered in. */
const FIELD_OF: Record<string, string> = { patient: 'value', startedAt: 'occurredAt', orderedAt: 'occurredAt' };

function messageSv(m: string): string {
  if (/must not be before startDate/.test(m)) return 'Slutdatumet kan inte ligga före startdatumet.';
  if (/Invalid input: expected "given"/.test(m)) return 'Planeringen startar bara med patientens samtycke.';
  if (/too_small|at least 1|>=1 items/i.test(m)) return 'Ange minst en insats.';
  if (/YYYY-MM-DD|local date/i.test(m)) return 'Ange ett datum (ÅÅÅÅ-MM-DD).';
  if (/must not be empty/.test(m)) return 'Fyll i fältet.';
  return idMessageSv(m);
}

export function HomeCareStartPage({ who, kind }: { who: SignedIn; kind: Kind }) {
  const municipalityStaff = who.role === 'municipalityStaff';
  const [f, setF] = useState<Fields>({
    kind: 'personnummer', value: '',
    residenceMunicipality: municipalityStaff ? who.organisation : '',
    primaryCareUnit: municipalityStaff ? '' : who.organisation,
    consent: false, dischargeEpisodeId: '', interventions: '', startDate: todaySv(), endDate: todaySv(), downtime: false, occurredAt: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = fieldSetter(setF);
  const s = (k: string) => String(f[k] ?? '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const common = {
      region: who.region,
      patient: { kind: s('kind'), value: s('value') },
      residenceMunicipality: s('residenceMunicipality'),
      primaryCareUnit: s('primaryCareUnit'),
    };
    const at = f.downtime && s('occurredAt') ? localInputToIso(s('occurredAt')) : undefined;
    const body: Record<string, unknown> = kind === 'hemsjukvard'
      ? {
          ...common,
          initiatedBy: municipalityStaff ? 'municipality' : 'primaryCare',
          ...(f.consent ? { consent: 'given' } : {}),
          ...(s('dischargeEpisodeId').trim() ? { dischargeEpisodeId: s('dischargeEpisodeId').trim() } : {}),
          ...(at ? { startedAt: at } : {}),
        }
      : {
          ...common,
          interventions: s('interventions').split('\n').map((x) => x.trim()).filter(Boolean),
          startDate: s('startDate'),
          endDate: s('endDate'),
          ...(at ? { orderedAt: at } : {}),
        };
    const errs: Record<string, string> = {};
    if (f.downtime && !s('occurredAt')) errs.occurredAt = 'Ange när det verkligen hände (driftstopp).';
    if (kind === 'hemsjukvard' && !f.consent) errs.consent = 'Planeringen startar bara med patientens samtycke.';
    // the server's own schema (shared code): the same fields are refused here as there
    const parsed = (kind === 'hemsjukvard' ? StartEnrollmentBody : StartVisitOrderBody).safeParse(body);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const prop = String(i.path[0] ?? 'form');
        errs[FIELD_OF[prop] ?? prop] ??= messageSv(i.message);
      }
    }
    if (showErrors(errs, setErrors)) return;
    setBusy(true);
    try {
      const headers = { 'Idempotency-Key': idempotencyKey() };
      if (kind === 'hemsjukvard') {
        const r = await ok<{ enrollmentId: string }>(api.POST('/api/home-care/enrollments', { body: body as never, headers }));
        go('hemsjukvard', r.enrollmentId);
      } else {
        const r = await ok<{ orderId: string }>(api.POST('/api/home-visits', { body: body as never, headers }));
        go('hembesok', r.orderId);
      }
    } catch (err) {
      const a = err as ApiError;
      const { prop, message } = firstDetail(a);
      setErrors({ [prop ? FIELD_OF[prop] ?? prop : 'form']: message ? messageSv(message) : refusalSv(a.code, a.message) });
    } finally {
      setBusy(false);
    }
  };

  const { err, described: aria } = fieldErrors(errors, 'f');
  const input = (k: string, label: string, extra: Record<string, unknown> = {}, after?: ReactNode) => (
    <div className="field">
      <label htmlFor={`f-${k}`}>{label}</label>
      <input id={`f-${k}`} value={s(k)} onChange={set(k)} autoComplete="off" {...extra} {...aria(k)} />
      {after}
      {err(k)}
    </div>
  );
  const munName = /^\d{4}$/.test(s('residenceMunicipality')) ? municipalityName(s('residenceMunicipality')) : undefined;
  const title = kind === 'hemsjukvard' ? 'Ny inskrivning i hemsjukvård' : 'Beställ enstaka hembesök';

  return (
    <section>
      <h1 tabIndex={-1}>{title}</h1>
      <p className="muted">
        {kind === 'hemsjukvard'
          ? (municipalityStaff
            ? 'Kommunens legitimerade personal kontaktar vårdcentralen där patienten är listad: en begäran om samordnad planering skickas dit.'
            : 'Vårdcentralen startar den samordnade planeringen inför inskrivning i hemsjukvård, med patientens samtycke. Kallelsen skickas från ärendet.')
          : 'Beställningen skickas till kommunen som meddelande utanför vårdtillfälle (mall Enstaka hembesök). Kommunen kvitterar och accepterar eller avböjer uppdraget.'}
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={title}>
        <fieldset>
          <legend>Patient</legend>
          <IdKindSelect value={s('kind')} onChange={set('kind')} />
          {input('value', idLabelSv(f.kind), idInputProps(f.kind))}
          {input('residenceMunicipality', 'Folkbokföringskommun (kommunkod)', { inputMode: 'numeric', maxLength: 4 }, munName && <span className="muted"> {munName}</span>)}
          {input('primaryCareUnit', kind === 'hemsjukvard' ? 'Vårdcentral där patienten är listad (HSA-id)' : 'Ordinerande vårdcentral (HSA-id)', kind === 'hembesok' ? { readOnly: true } : {})}
        </fieldset>
        {kind === 'hemsjukvard' ? (
          <fieldset>
            <legend>Planeringen</legend>
            <div className="field check">
              <input id="f-consent" type="checkbox" checked={!!f.consent} onChange={set('consent')} {...aria('consent')} />
              <label htmlFor="f-consent">Patienten samtycker till samordnad planering</label>
              {err('consent')}
            </div>
            {input('dischargeEpisodeId', 'Vårdtillfälle som leder till hemsjukvård (valfritt, id)')}
          </fieldset>
        ) : (
          <fieldset>
            <legend>Beställningen</legend>
            <div className="field">
              <label htmlFor="f-interventions">Ordinerade insatser (en per rad)</label>
              <textarea id="f-interventions" rows={3} value={s('interventions')} onChange={set('interventions')} {...aria('interventions')} />
              {err('interventions')}
            </div>
            {input('startDate', 'Startdatum', { type: 'date' })}
            {input('endDate', 'Slutdatum', { type: 'date' })}
          </fieldset>
        )}
        <DowntimeFieldset on={!!f.downtime} onChange={set('downtime')} help="Slå på om det hände under ett driftstopp: ange då när det verkligen hände. Tidsgränserna räknas från den tiden.">
          {input('occurredAt', kind === 'hemsjukvard' ? 'Planeringen startade (datum och tid)' : 'Beställningen skickades (datum och tid)', { type: 'datetime-local' })}
        </DowntimeFieldset>
        {err('form')}
        <button type="submit" disabled={busy}>{kind === 'hemsjukvard' ? 'Starta samordnad planering' : 'Skicka beställningen'}</button>
      </form>
    </section>
  );
}
