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
import { DowntimeFieldset, fieldErrors, fieldSetter, firstDetail, IdKindSelect, idInputProps, idLabelSv, idMessageSv, showErrors } from '../forms';

export function AdmissionPage({ who }: { who: SignedIn }) {
  const [f, setF] = useState({
    kind: 'personnummer', value: '', residenceMunicipality: '', outOfCounty: false, hospital: '', primaryCareUnit: '',
    psychiatric: false, psychiatricOutpatientUnit: '', homeHealthCare: 'none', admissionType: 'acute', downtime: false, admittedAt: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = fieldSetter(setF);

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
    if (showErrors(errs, setErrors)) return;
    setBusy(true);
    try {
      const r = await ok<{ episodeId: string }>(api.POST('/api/episodes', { body: body as never, headers: { 'Idempotency-Key': idempotencyKey() } }));
      go('vardtillfalle', r.episodeId);
    } catch (err) {
      const a = err as ApiError;
      const { prop: field, message } = firstDetail(a);
      setErrors({ [field === 'patient' ? 'value' : field ?? 'form']: message ? idMessageSv(message) : refusalSv(a.code, a.message) });
    } finally {
      setBusy(false);
    }
  };

  const { err, described: aria } = fieldErrors(errors, 'f');
  const munName = /^\d{4}$/.test(f.residenceMunicipality) ? municipalityName(f.residenceMunicipality) : undefined;

  return (
    <section>
      <h1 tabIndex={-1}>Inskrivning</h1>
      <p className="muted">Patienten skrivs in på {who.organisationName ?? who.organisation}. Inskrivningsmeddelandet skickas från vårdtillfället.</p>
      <form onSubmit={(e) => void submit(e)} noValidate className="admission">
        <fieldset>
          <legend>Patient</legend>
          <IdKindSelect value={f.kind} onChange={set('kind')} />
          <div className="field">
            <label htmlFor="f-value">{idLabelSv(f.kind)}</label>
            <input id="f-value" value={f.value} onChange={set('value')} autoComplete="off" {...idInputProps(f.kind)} {...aria('value')} />
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
        <DowntimeFieldset on={f.downtime} onChange={set('downtime')} help="Slå på om patienten skrevs in under ett driftstopp: ange då när det verkligen hände. Tidsgränserna räknas från den tiden.">
          <div className="field">
            <label htmlFor="f-admittedAt">Inskriven (datum och tid)</label>
            <input id="f-admittedAt" type="datetime-local" value={f.admittedAt} onChange={set('admittedAt')} {...aria('admittedAt')} />
            {err('admittedAt')}
          </div>
        </DowntimeFieldset>
        {err('form')}
        <button type="submit" disabled={busy}>Skriv in patienten</button>
      </form>
    </section>
  );
}
