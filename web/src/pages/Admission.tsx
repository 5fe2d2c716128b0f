/**
 * Inskrivning: start an episode (POST /api/episodes). The patient identifier (personnummer,
 * samordningsnummer, reservnummer) and every field are validated with the server's own zod schema
 * (StartEpisodeBody, shared code); the back-registration time is behind the "driftstopp" switch.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { localInputToIso } from '../format';
import { go } from '../router';
import type { SignedIn } from '../session';
import { refusalSv } from '../sv';
import { StartEpisodeBody } from '../../../src/api/schemas/discharge';
import { municipalityName } from '../../../src/domain/reference/municipalities';

/** The identifier module's English sentences in Swedish (the rule is the shared one). */
const DEFINITE: Record<string, string> = { personnummer: 'personnumret', samordningsnummer: 'samordningsnumret', reservnummer: 'reservnumret' };
export function idMessageSv(m: string): string {
  const kind = DEFINITE[/personnummer|samordningsnummer|reservnummer/.exec(m)?.[0] ?? ''] ?? 'numret';
  if (/check digit/.test(m)) return `Kontrollsiffran (sista siffran) i ${kind} stämmer inte; troligen är en siffra felskriven.`;
  if (/wrong length/.test(m)) return `${cap(kind)} ska ha 10 eller 12 siffror (ÅÅMMDD-NNNN eller ÅÅÅÅMMDD-NNNN).`;
  if (/is empty|is missing/.test(m)) return `Fyll i ${kind}.`;
  if (/not a real date/.test(m)) return `Datumdelen i ${kind} är inte ett riktigt datum.`;
  if (/in the future/.test(m)) return `Födelsedatumet i ${kind} ligger i framtiden.`;
  if (/may only contain/.test(m)) return `${cap(kind)} får bara innehålla siffror och ett '-' före de fyra sista.`;
  if (/wrong format/.test(m)) return `${cap(kind)} har fel format; skriv ÅÅÅÅMMDD-NNNN.`;
  if (/reservnummer is too long/.test(m)) return 'Reservnumret är för långt.';
  if (/HSA-id/.test(m)) return 'Ange ett HSA-id, t.ex. SE2321000115-ABC1.';
  if (/kommunkod/i.test(m)) return 'Ange en kommunkod med fyra siffror, t.ex. 2180 för Gävle.';
  if (/required for a psychiatric stay/.test(m)) return 'Krävs vid psykiatrisk slutenvård.';
  if (/ISO 8601|instant|date/i.test(m)) return 'Ange datum och tid.';
  return m;
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function AdmissionPage({ who }: { who: SignedIn }) {
  const [f, setF] = useState({
    kind: 'personnummer', value: '', residenceMunicipality: '', outOfCounty: false, hospital: '', primaryCareUnit: '',
    psychiatric: false, psychiatricOutpatientUnit: '', homeHealthCare: 'none', admissionType: 'acute', downtime: false, admittedAt: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: HTMLInputElement | HTMLSelectElement }) =>
    setF((x) => ({ ...x, [k]: e.target instanceof HTMLInputElement && (e.target.type === 'checkbox') ? e.target.checked : e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      region: who.region,
      patient: { kind: f.kind, value: f.value },
      residenceMunicipality: f.residenceMunicipality,
      outOfCounty: f.outOfCounty,
      inpatientUnit: who.organisation,
      ...(f.hospital ? { hospital: f.hospital } : {}),
      primaryCareUnit: f.primaryCareUnit,
      psychiatric: f.psychiatric,
      ...(f.psychiatric && f.psychiatricOutpatientUnit ? { psychiatricOutpatientUnit: f.psychiatricOutpatientUnit } : {}),
      homeHealthCare: f.homeHealthCare,
      admissionType: f.admissionType,
      ...(f.downtime && f.admittedAt ? { admittedAt: localInputToIso(f.admittedAt) } : {}),
    };
    const errs: Record<string, string> = {};
    if (f.downtime && !f.admittedAt) errs.admittedAt = 'Ange när patienten skrevs in (driftstopp).';
    const parsed = StartEpisodeBody.safeParse(body);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const key = i.path[0] === 'patient' ? 'value' : String(i.path[0]);
        errs[key] ??= idMessageSv(i.message);
      }
    }
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`f-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await ok<{ episodeId: string }>(api.POST('/api/episodes', { body: body as never, headers: { 'Idempotency-Key': idempotencyKey() } }));
      go('vardtillfalle', r.episodeId);
    } catch (err) {
      const a = err as ApiError;
      const first = Array.isArray(a.details) ? (a.details[0] as { field?: string; message?: string } | undefined) : undefined;
      const field = first?.field?.split('.')[1];
      setErrors({ [field === 'patient' ? 'value' : field ?? 'form']: first?.message ? idMessageSv(first.message) : refusalSv(a.code, a.message) });
    } finally {
      setBusy(false);
    }
  };

  const err = (k: string) => errors[k] && <p className="error field-error" id={`f-${k}-err`}>{errors[k]}</p>;
  const aria = (k: string) => (errors[k] ? { 'aria-describedby': `f-${k}-err`, 'aria-invalid': true as const } : {});
  const munName = /^\d{4}$/.test(f.residenceMunicipality) ? municipalityName(f.residenceMunicipality) : undefined;

  return (
    <section>
      <h1 tabIndex={-1}>Inskrivning</h1>
      <p className="muted">Patienten skrivs in på {who.organisationName ?? who.organisation}. Inskrivningsmeddelandet skickas från vårdtillfället.</p>
      <form onSubmit={(e) => void submit(e)} noValidate className="admission">
        <fieldset>
          <legend>Patient</legend>
          <div className="field">
            <label htmlFor="f-kind">Typ av identitet</label>
            <select id="f-kind" value={f.kind} onChange={set('kind')}>
              <option value="personnummer">Personnummer</option>
              <option value="samordningsnummer">Samordningsnummer</option>
              <option value="reservnummer">Reservnummer</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-value">{f.kind === 'personnummer' ? 'Personnummer' : f.kind === 'samordningsnummer' ? 'Samordningsnummer' : 'Reservnummer'}</label>
            <input id="f-value" value={f.value} onChange={set('value')} autoComplete="off" inputMode={f.kind === 'reservnummer' ? 'text' : 'numeric'} placeholder={f.kind === 'reservnummer' ? '' : 'ÅÅÅÅMMDD-NNNN'} {...aria('value')} />
            {err('value')}
          </div>
          <div className="field">
            <label htmlFor="f-residenceMunicipality">Folkbokföringskommun (kommunkod)</label>
            <input id="f-residenceMunicipality" value={f.residenceMunicipality} onChange={set('residenceMunicipality')} inputMode="numeric" maxLength={4} {...aria('residenceMunicipality')} />
            {munName && <span className="muted"> {munName}</span>}
            {err('residenceMunicipality')}
          </div>
          <div className="field check">
            <input id="f-outOfCounty" type="checkbox" checked={f.outOfCounty} onChange={set('outOfCounty')} />
            <label htmlFor="f-outOfCounty">Folkbokförd i annat län</label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Vårdtillfället</legend>
          <div className="field">
            <label htmlFor="f-admissionType">Inskrivning</label>
            <select id="f-admissionType" value={f.admissionType} onChange={set('admissionType')}>
              <option value="acute">Akut</option>
              <option value="planned">Planerad</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-hospital">Sjukhus (valfritt)</label>
            <input id="f-hospital" value={f.hospital} onChange={set('hospital')} {...aria('hospital')} />
            {err('hospital')}
          </div>
          <div className="field">
            <label htmlFor="f-primaryCareUnit">Vårdcentral där patienten är listad (HSA-id)</label>
            <input id="f-primaryCareUnit" value={f.primaryCareUnit} onChange={set('primaryCareUnit')} {...aria('primaryCareUnit')} />
            {err('primaryCareUnit')}
          </div>
          <div className="field check">
            <input id="f-psychiatric" type="checkbox" checked={f.psychiatric} onChange={set('psychiatric')} />
            <label htmlFor="f-psychiatric">Psykiatrisk slutenvård</label>
          </div>
          {f.psychiatric && (
            <div className="field">
              <label htmlFor="f-psychiatricOutpatientUnit">Psykiatrisk öppenvård (HSA-id)</label>
              <input id="f-psychiatricOutpatientUnit" value={f.psychiatricOutpatientUnit} onChange={set('psychiatricOutpatientUnit')} {...aria('psychiatricOutpatientUnit')} />
              {err('psychiatricOutpatientUnit')}
            </div>
          )}
          <div className="field">
            <label htmlFor="f-homeHealthCare">Hemsjukvård</label>
            <select id="f-homeHealthCare" value={f.homeHealthCare} onChange={set('homeHealthCare')}>
              <option value="none">Nej</option>
              <option value="enrolled">Inskriven i hemsjukvård</option>
              <option value="planned">Planeras</option>
            </select>
          </div>
        </fieldset>
        <fieldset>
          <legend>Driftstopp</legend>
          <div className="field check">
            <input id="f-downtime" type="checkbox" role="switch" checked={f.downtime} onChange={set('downtime')} aria-describedby="f-downtime-help" />
            <label htmlFor="f-downtime">Efterregistrering efter driftstopp</label>
          </div>
          <p id="f-downtime-help" className="muted">Slå på om patienten skrevs in under ett driftstopp: ange då när det verkligen hände. Tidsgränserna räknas från den tiden.</p>
          {f.downtime && (
            <div className="field">
              <label htmlFor="f-admittedAt">Inskriven (datum och tid)</label>
              <input id="f-admittedAt" type="datetime-local" value={f.admittedAt} onChange={set('admittedAt')} {...aria('admittedAt')} />
              {err('admittedAt')}
            </div>
          )}
        </fieldset>
        {err('form')}
        <button type="submit" disabled={busy}>Skriv in patienten</button>
      </form>
    </section>
  );
}
