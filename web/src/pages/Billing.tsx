/**
 * Fakturaunderlag: the month's close. The municipality's invoice reviewer sees its basis lines,
 * flags a line as an obvious error and approves; the region's billing officer sees the phase,
 * decides the flags and downloads the basis as CSV.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, idempotencyKey, ok } from '../api';
import { dateTimeSv } from '../format';
import { session, type SignedIn } from '../session';
import type { paths } from '../generated/api';
import { refusalSv } from '../sv';
import { municipalityName } from '../../../src/domain/reference/municipalities';

/** The configured regions, as the OpenAPI document names them. */
type RegionId = paths['/api/billing/closes/{region}/{month}']['get']['parameters']['path']['region'];

interface Flag { flagId: string; municipality: string; lineRef: string; reason: string; text: string | null; status: string; raisedAt: string; decisionNote: string | null }
interface Close { closeId: string; phase: string; ruleSetId: string | null; reviewEndsAt: string | null; municipalities: { municipality: string; lines: number; approvedAt: string | null }[]; flags: Flag[] }
interface Line { lineRef: string; episodeId?: string; municipality: string; days?: number; amountOre?: number; [k: string]: unknown }

const PHASE_SV: Record<string, string> = { freezing: 'Underlaget fryses', review: 'Granskning pågår', final: 'Slutlig' };
const REASON_SV: [string, string][] = [['WRONG_MUNICIPALITY', 'Fel kommun'], ['DIED_DURING_STAY', 'Avled under vårdtiden'], ['REGISTRATION_ERROR', 'Registreringsfel'], ['OTHER', 'Annat']];
const FLAG_STATUS_SV: Record<string, string> = { open: 'Öppen', accepted: 'Godtagen', rejected: 'Avvisad', lapsed: 'Förfallen' };

function previousMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}
const kr = (ore: number | undefined) => (ore === undefined ? '–' : `${(ore / 100).toLocaleString('sv-SE', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} kr`);

export function BillingPage({ who }: { who: SignedIn }) {
  const [month, setMonth] = useState(() => new URLSearchParams(location.hash.split('?')[1] ?? '').get('month') ?? previousMonth());
  const [close, setClose] = useState<Close>();
  const [lines, setLines] = useState<Line[]>([]);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');
  const reviewer = who.role === 'invoiceReviewer';
  const params = { path: { region: who.region as RegionId, month } };

  const load = useCallback(async () => {
    try {
      setClose(await ok<Close>(api.GET('/api/billing/closes/{region}/{month}', { params })));
      const basis = await ok<{ lines: Line[] }>(api.GET('/api/billing/closes/{region}/{month}/basis', { params: { ...params, query: reviewer ? { municipality: who.organisation } : {} } }));
      setLines(basis.lines);
      setError(undefined);
    } catch (e) {
      const a = e as ApiError;
      setClose(undefined);
      setLines([]);
      setError(a.status === 404 ? `Månaden ${month} är inte stängd för regionen ännu.` : refusalSv(a.code, a.message));
    }
  }, [month, who.region, who.organisation, reviewer]);
  useEffect(() => void load(), [load]);

  const post = async (what: string, path: 'flags' | 'flag-decisions' | 'approvals', body: Record<string, unknown>) => {
    try {
      await ok(api.POST(`/api/billing/closes/{region}/{month}/${path}` as '/api/billing/closes/{region}/{month}/flags', { params, body: body as never, headers: { 'Idempotency-Key': idempotencyKey() } }));
      setStatus(`${what}: registrerat.`);
      await load();
    } catch (e) {
      const a = e as ApiError;
      setStatus('');
      setError(refusalSv(a.code, a.message));
    }
  };

  const downloadCsv = async () => {
    const res = await fetch(`/api/billing/closes/${who.region}/${month}/basis?format=csv&decimal=comma`, { headers: { Authorization: `Bearer ${session()?.token ?? ''}` } });
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `underlag-${who.region}-${month}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const own = close?.municipalities.find((m) => m.municipality === who.organisation);
  return (
    <section>
      <h1 tabIndex={-1}>Fakturaunderlag</h1>
      <div className="filters">
        <label htmlFor="month">Månad</label>{' '}
        <input id="month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
      </div>
      <p role="status" className="status">{status}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {close && (
        <>
          <p>Fas: <strong className="badge">{PHASE_SV[close.phase] ?? close.phase}</strong>{close.reviewEndsAt && <> · granskningen slutar {dateTimeSv(close.reviewEndsAt)}</>}{close.ruleSetId && <> · regelverk {close.ruleSetId}</>}</p>
          {!reviewer && <p><button type="button" className="secondary" onClick={() => void downloadCsv()}>Ladda ner underlaget (CSV)</button></p>}
          {reviewer && own && (
            <p>
              {own.approvedAt ? <>Underlaget godkändes {dateTimeSv(own.approvedAt)}.</> : (
                <button type="button" onClick={() => void post('Underlaget godkänt', 'approvals', { municipality: who.organisation })}>Godkänn underlaget för {municipalityName(who.organisation) ?? who.organisation}</button>
              )}
            </p>
          )}
          <section aria-labelledby="h-flags">
            <h2 id="h-flags">Flaggor</h2>
            {close.flags.length === 0 ? <p className="empty">Inga flaggade rader.</p> : (
              <table>
                <thead><tr><th scope="col">Rad</th><th scope="col">Kommun</th><th scope="col">Skäl</th><th scope="col">Status</th><th scope="col">Beslut</th></tr></thead>
                <tbody>
                  {close.flags.map((f) => (
                    <tr key={f.flagId}>
                      <td>{f.lineRef}</td>
                      <td>{municipalityName(f.municipality) ?? f.municipality}</td>
                      <td>{REASON_SV.find(([v]) => v === f.reason)?.[1] ?? f.reason}{f.text ? `: ${f.text}` : ''}</td>
                      <td>{FLAG_STATUS_SV[f.status] ?? f.status}</td>
                      <td>
                        {!reviewer && f.status === 'open' ? (
                          <>
                            <button type="button" onClick={() => void post('Flaggan godtagen', 'flag-decisions', { flagId: f.flagId, decision: 'accept' })}>Godta</button>{' '}
                            <button type="button" className="secondary" onClick={() => void post('Flaggan avvisad', 'flag-decisions', { flagId: f.flagId, decision: 'reject' })}>Avvisa</button>
                          </>
                        ) : f.decisionNote ?? '–'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="h-lines">
            <h2 id="h-lines">Rader ({lines.length})</h2>
            {lines.length === 0 ? <p className="empty">Inga rader.</p> : (
              <table>
                <thead><tr><th scope="col">Rad</th><th scope="col">Kommun</th><th scope="col">Utskrivningsklara dagar</th><th scope="col">Belopp</th>{reviewer && <th scope="col">Flagga som uppenbart fel</th>}</tr></thead>
                <tbody>
                  {lines.map((l) => <LineRow key={l.lineRef} l={l} reviewer={reviewer && close.phase === 'review'} flagged={close.flags.some((f) => f.lineRef === l.lineRef)} onFlag={(reason) => void post('Raden flaggad', 'flags', { municipality: l.municipality, lineRef: l.lineRef, reason })} />)}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function LineRow({ l, reviewer, flagged, onFlag }: { l: Line; reviewer: boolean; flagged: boolean; onFlag: (reason: string) => void }) {
  const [reason, setReason] = useState('REGISTRATION_ERROR');
  const amount = (l.amountOre ?? l.totalOre) as number | undefined;
  return (
    <tr>
      <td>{l.lineRef}</td>
      <td>{municipalityName(l.municipality) ?? l.municipality}</td>
      <td>{String(l.readyDays ?? '–')}</td>
      <td>{kr(amount)}</td>
      {reviewer && (
        <td>
          {flagged ? 'Flaggad' : (
            <>
              <label className="visually-hidden" htmlFor={`r-${l.lineRef}`}>Skäl för rad {l.lineRef}</label>
              <select id={`r-${l.lineRef}`} value={reason} onChange={(e) => setReason(e.target.value)}>
                {REASON_SV.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
              </select>{' '}
              <button type="button" onClick={() => onFlag(reason)} aria-label={`Flagga rad ${l.lineRef}`}>Flagga</button>
            </>
          )}
        </td>
      )}
    </tr>
  );
}
