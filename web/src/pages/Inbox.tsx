/**
 * Inkorg: the unit's worklist (GET /api/units/{unitId}/inbox), soonest deadline first; overdue in
 * red with how long; one click to kvittera; asked again every 5 s with If-None-Match, so new items
 * appear within 10 s and an unchanged inbox costs a 304.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { deadlineSv, durationSv, localInputToIso, weekdayDate, weekdayDateTime } from '../format';
import { href } from '../router';
import type { SignedIn } from '../session';
import { deviationSv, MESSAGE_SV, OBLIGATION_VERB_SV, PROCESS_SV, refusalSv } from '../sv';
import { municipalityName } from '../../../src/domain/reference/municipalities';
import type { ProcessType } from '../../../src/domain/process';

const POLL_MS = 5_000;

interface ObligationRow {
  process_type: string;
  process_id: string;
  obligation_id: string;
  kind: string;
  message_id: string | null;
  message_type: string | null;
  sent_at: string | null;
  due_at: string;
  status: string;
  municipality: string | null;
}
interface ChecklistRow { process_type: string; process_id: string; municipality: string | null; ready_date: string | null }
interface DeviationRow { process_type: string; process_id: string; deviation_id: string; type: string; description: string; deadline_at: string; escalation: string; municipality: string | null }
interface Inbox {
  acknowledgements: ObligationRow[];
  invitations: ObligationRow[];
  checklists: ChecklistRow[];
  deviations: DeviationRow[];
  next: Partial<Record<Section, string | null>>;
}
type Section = 'acknowledgements' | 'invitations' | 'checklists' | 'deviations';

export const processHref = (type: string, id: string) => href(type === 'discharge' ? 'vardtillfalle' : type === 'homeHealthCare' ? 'hemsjukvard' : 'hembesok', id);

async function acknowledge(row: ObligationRow): Promise<void> {
  const body = { messageId: row.message_id! };
  const headers = { 'Idempotency-Key': idempotencyKey() };
  if (row.process_type === 'discharge') {
    await ok(api.POST('/api/episodes/{episodeId}/acknowledgements', { params: { path: { episodeId: row.process_id } }, body, headers }));
  } else if (row.process_type === 'homeHealthCare') {
    await ok(api.POST('/api/home-care/enrollments/{id}/acknowledgements', { params: { path: { id: row.process_id } }, body, headers }));
  } else {
    await ok(api.POST('/api/home-visits/{id}/acknowledgements', { params: { path: { id: row.process_id } }, body, headers }));
  }
}

export function InboxPage({ who }: { who: SignedIn }) {
  const [inbox, setInbox] = useState<Inbox>();
  const [more, setMore] = useState<Partial<Record<Section, unknown[]>>>({});
  const [processType, setProcessType] = useState<ProcessType | ''>('');
  const [municipality, setMunicipality] = useState('');
  const [dueBy, setDueBy] = useState('');
  const [limit, setLimit] = useState(50);
  const [done, setDone] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string>('');
  const [loadError, setLoadError] = useState<string>();
  const etag = useRef<string | null>(null);
  const [now, setNow] = useState(Date.now());

  // the API's filters and page size (GET /api/units/{unitId}/inbox): a kommun only once it is a whole kommunkod
  const filters = useMemo(() => ({
    ...(processType ? { processType } : {}),
    ...(/^\d{4}$/.test(municipality) ? { municipality } : {}),
    ...(dueBy ? { dueBefore: localInputToIso(`${dueBy}T23:59`) } : {}),
    limit,
  }), [processType, municipality, dueBy, limit]);

  const load = useCallback(async () => {
    const r = await api.GET('/api/units/{unitId}/inbox', {
      params: { path: { unitId: who.organisation }, query: filters },
      headers: etag.current ? { 'If-None-Match': etag.current } : {},
    });
    setNow(Date.now());
    if (r.response.status === 304) return;
    if (!r.response.ok) {
      setLoadError(`Inkorgen kunde inte hämtas (${r.response.status}).`);
      return;
    }
    etag.current = r.response.headers.get('ETag');
    setLoadError(undefined);
    setInbox(r.data as unknown as Inbox);
    setMore({});
  }, [who.organisation, filters]);

  useEffect(() => {
    etag.current = null;
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  const onAcknowledge = async (row: ObligationRow) => {
    try {
      await acknowledge(row);
      setDone((d) => new Set(d).add(row.obligation_id));
      setStatus(`${MESSAGE_SV[row.message_type ?? ''] ?? 'Meddelandet'} kvitterat.`);
    } catch (e) {
      const err = e as ApiError;
      setErrors((x) => ({ ...x, [row.obligation_id]: refusalSv(err.code, err.message) }));
    }
  };

  const loadMore = async (section: Section) => {
    const cursor = inbox?.next[section];
    if (!cursor) return;
    const data = await ok<Inbox>(api.GET('/api/units/{unitId}/inbox', { params: { path: { unitId: who.organisation }, query: { ...filters, section, cursor } } }));
    setMore((m) => ({ ...m, [section]: [...(m[section] ?? []), ...(data[section] as unknown[])] }));
    setInbox((i) => (i ? { ...i, next: { ...i.next, [section]: data.next[section] ?? null } } : i));
  };

  /** The next page of a section (the API's cursor), added below the rows already shown. */
  const More = ({ section, label }: { section: Section; label: string }) =>
    inbox?.next[section] ? <button type="button" className="secondary more" onClick={() => void loadMore(section)}>{label}</button> : null;

  const rows = <T,>(section: Section): T[] => [...((inbox?.[section] as T[]) ?? []), ...((more[section] as T[]) ?? [])];
  const acks = rows<ObligationRow>('acknowledgements').filter((r) => !done.has(r.obligation_id));
  const invitations = rows<ObligationRow>('invitations').filter((r) => !done.has(r.obligation_id));
  const checklists = rows<ChecklistRow>('checklists');
  const deviations = rows<DeviationRow>('deviations');

  return (
    <section>
      <h1 tabIndex={-1}>Inkorg – {who.organisationName ?? who.organisation}</h1>
      <p className="muted">Det enheten ska göra, med den närmaste tidsgränsen först. Listan uppdateras av sig själv.</p>
      <div className="filters">
        <label>
          Process{' '}
          <select value={processType} onChange={(e) => setProcessType(e.target.value as ProcessType | '')}>
            <option value="">Alla</option>
            <option value="discharge">Utskrivning</option>
            <option value="homeHealthCare">Hemsjukvård</option>
            <option value="singleHomeVisit">Enstaka hembesök</option>
          </select>
        </label>
        {who.role !== 'municipalityStaff' && (
          <label>
            Kommun (kommunkod){' '}
            <input value={municipality} onChange={(e) => setMunicipality(e.target.value.trim())} inputMode="numeric" maxLength={4} size={5} />
          </label>
        )}
        <label>
          Förfaller senast{' '}
          <input type="date" value={dueBy} onChange={(e) => setDueBy(e.target.value)} />
        </label>
        <label>
          Antal per sida{' '}
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {[5, 10, 25, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      </div>
      <p role="status" className="status">{status}</p>
      {loadError && <p role="alert" className="error">{loadError}</p>}
      {!inbox ? <p>Laddar inkorgen…</p> : (
        <>
          <section aria-labelledby="h-acks">
            <h2 id="h-acks">Att kvittera <span className="count">({acks.length})</span></h2>
            {acks.length === 0 ? <p className="empty">Inget att kvittera.</p> : (
              <ul className="worklist" aria-label="Meddelanden att kvittera">
                {acks.map((r) => <ObligationItem key={r.obligation_id} row={r} now={now} error={errors[r.obligation_id]} onAcknowledge={onAcknowledge} />)}
              </ul>
            )}
            <More section="acknowledgements" label="Visa fler att kvittera" />
          </section>
          <section aria-labelledby="h-inv">
            <h2 id="h-inv">Kallelser att besvara <span className="count">({invitations.length})</span></h2>
            {invitations.length === 0 ? <p className="empty">Inga kallelser.</p> : (
              <ul className="worklist" aria-label="Kallelser">
                {invitations.map((r) => <ObligationItem key={`inv-${r.obligation_id}`} row={r} now={now} error={errors[r.obligation_id]} onAcknowledge={onAcknowledge} />)}
              </ul>
            )}
            <More section="invitations" label="Visa fler kallelser" />
          </section>
          <section aria-labelledby="h-check">
            <h2 id="h-check">Hemgångsklar ej klar – utskrivningsklara i dag <span className="count">({checklists.length})</span></h2>
            {checklists.length === 0 ? <p className="empty">Inga ofullständiga checklistor.</p> : (
              <ul className="worklist">
                {checklists.map((c) => (
                  <li key={c.process_id}>
                    <a href={href('vardtillfalle', c.process_id)}>Vårdtillfälle {c.process_id.slice(0, 8)}</a> – utskrivningsklar {c.ready_date ? weekdayDate(c.ready_date) : ''}
                    {c.municipality && <> · {municipalityName(c.municipality) ?? c.municipality}</>}
                  </li>
                ))}
              </ul>
            )}
            <More section="checklists" label="Visa fler checklistor" />
          </section>
          <section aria-labelledby="h-dev">
            <h2 id="h-dev">Öppna avvikelser <span className="count">({deviations.length})</span></h2>
            {deviations.length === 0 ? <p className="empty">Inga öppna avvikelser.</p> : (
              <ul className="worklist">
                {deviations.map((d) => (
                  <li key={d.deviation_id} className="deviation">
                    <strong>{deviationSv(d)}</strong> – tidsgränsen var {deadlineSv(d.deadline_at)}
                    {processHref(d.process_type, d.process_id) && <> · <a href={processHref(d.process_type, d.process_id)}>{d.process_type === 'discharge' ? 'Öppna vårdtillfället' : 'Öppna ärendet'}</a></>}
                  </li>
                ))}
              </ul>
            )}
            <More section="deviations" label="Visa fler avvikelser" />
          </section>
        </>
      )}
    </section>
  );
}

function ObligationItem({ row, now, error, onAcknowledge }: { row: ObligationRow; now: number; error?: string; onAcknowledge: (r: ObligationRow) => Promise<void> }) {
  const overdueMs = now - Date.parse(row.due_at);
  const overdue = overdueMs > 0;
  const what = MESSAGE_SV[row.message_type ?? ''] ?? row.kind;
  const link = processHref(row.process_type, row.process_id);
  const errId = `err-${row.obligation_id}`;
  return (
    <li className={overdue ? 'overdue' : undefined}>
      <div className="item-main">
        <strong>{what}</strong> <span className="muted">· {PROCESS_SV[row.process_type] ?? row.process_type}{row.municipality ? ` · ${municipalityName(row.municipality) ?? row.municipality}` : ''}</span>
        <div className="deadline">
          {OBLIGATION_VERB_SV[row.kind] ?? 'senast'} {deadlineSv(row.due_at)}
          {overdue && <span className="late"> – försenad {durationSv(overdueMs)}</span>}
        </div>
        {row.sent_at && <div className="muted">Skickat {weekdayDateTime(row.sent_at)}</div>}
        {error && <p className="error" id={errId}>{error}</p>}
      </div>
      <div className="item-actions">
        {row.kind === 'acknowledge' && row.message_id && (
          <button type="button" onClick={() => void onAcknowledge(row)} aria-describedby={error ? errId : undefined} aria-label={`Kvittera ${what.toLowerCase()}`}>
            Kvittera
          </button>
        )}
        {link && <a href={link}>Öppna</a>}
      </div>
    </li>
  );
}
