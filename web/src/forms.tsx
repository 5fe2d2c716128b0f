/**
 * Pieces every form of the workspace builds alike: the change handler of its fields, a field's
 * error under it (tied to the field by aria-describedby and aria-invalid), the server's first
 * validation detail, and — for the pages that start a process (Inskrivning, hemsjukvård, enstaka
 * hembesök) — the patient's identifier, its messages in Swedish, and the driftstopp switch.
 */
import type { ChangeEvent, Dispatch, ReactNode, SetStateAction } from 'react';
import type { ApiError } from './api';

/** The change handler of a form's fields: a checkbox sets its checked state, any other field its value. */
export function fieldSetter<F>(setF: Dispatch<SetStateAction<F>>) {
  return (k: keyof F & string) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setF((x) => ({ ...x, [k]: e.target instanceof HTMLInputElement && e.target.type === 'checkbox' ? e.target.checked : e.target.value }));
}

/**
 * A field's error, shown under it with the id `<prefix>-<field>-err`, and the attributes that tie
 * the field to it (`described`: aria-describedby and aria-invalid, only while there is an error).
 */
export function fieldErrors(errors: Record<string, string>, prefix: string) {
  const err = (k: string) => errors[k] && <p className="error field-error" id={`${prefix}-${k}-err`}>{errors[k]}</p>;
  const described = (k: string) => (errors[k] ? { 'aria-describedby': `${prefix}-${k}-err`, 'aria-invalid': true as const } : {});
  return { err, described };
}

/** The server's first validation detail (a 400's `details`): the body property it names (`body.x` → x) and its message. */
export function firstDetail(a: ApiError): { prop?: string; message?: string } {
  const first = Array.isArray(a.details) ? (a.details[0] as { field?: string; message?: string } | undefined) : undefined;
  return { prop: first?.field?.split('.')[1], message: first?.message };
}

/** Shows a start form's errors; when there are any, focuses the first one's field (id `f-<field>`) and says so. */
export function showErrors(errs: Record<string, string>, setErrors: (e: Record<string, string>) => void): boolean {
  setErrors(errs);
  if (!Object.keys(errs).length) return false;
  document.getElementById(`f-${Object.keys(errs)[0]}`)?.focus();
  return true;
}

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

/** The choice of the patient's identifier (field `f-kind`). */
export function IdKindSelect({ value, onChange }: { value: string; onChange: (e: ChangeEvent<HTMLSelectElement>) => void }) {
  return (
    <div className="field">
      <label htmlFor="f-kind">Typ av identitet</label>
      <select id="f-kind" value={value} onChange={onChange}>
        <option value="personnummer">Personnummer</option>
        <option value="samordningsnummer">Samordningsnummer</option>
        <option value="reservnummer">Reservnummer</option>
      </select>
    </div>
  );
}

/** The identifier field's label, and its keyboard and placeholder, for the identifier chosen. */
export const idLabelSv = (kind: unknown) => (kind === 'personnummer' ? 'Personnummer' : kind === 'samordningsnummer' ? 'Samordningsnummer' : 'Reservnummer');
export const idInputProps = (kind: unknown) => ({ inputMode: kind === 'reservnummer' ? 'text' as const : 'numeric' as const, placeholder: kind === 'reservnummer' ? '' : 'ÅÅÅÅMMDD-NNNN' });

/** Back-registration after a driftstopp: the switch (field `f-downtime`), what it means, and, while it is on, the fields of when it happened. */
export function DowntimeFieldset({ on, onChange, help, children }: { on: boolean; onChange: (e: ChangeEvent<HTMLInputElement>) => void; help: string; children: ReactNode }) {
  return (
    <fieldset>
      <legend>Driftstopp</legend>
      <div className="field check">
        <input id="f-downtime" type="checkbox" role="switch" checked={on} onChange={onChange} aria-describedby="f-downtime-help" />
        <label htmlFor="f-downtime">Efterregistrering efter driftstopp</label>
      </div>
      <p id="f-downtime-help" className="muted">{help}</p>
      {on && children}
    </fieldset>
  );
}
