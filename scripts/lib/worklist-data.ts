/**
 * Open worklist items written straight into the ledger tables, in bulk: discharge episodes with
 * open acknowledgements (some of them planning invitations), open deviations and incomplete
 * ready-to-go-home checklists, spread over units and municipalities. Used by the worklist
 * benchmark (`npm run bench:worklist`) and the worklist API test; no patient data (pseudonyms).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';

export interface WorklistLoad {
  /** id prefix: loads never collide */
  prefix: string;
  episodes: number;
  /** inpatient units the episodes are spread over (HSA-ids) */
  units: string[];
  /** municipalities (kommunkoder), the responsible party of every acknowledgement */
  municipalities: string[];
  /** acknowledgements per episode and recipient (municipality + primary care) */
  messagesPerEpisode: number;
  /** first deadline; the next ones follow a minute apart */
  from: Date;
  readyDate: string;
  primaryCareUnit: string;
}

const CHUNK = 500;

async function insertChunked<T extends keyof Database>(db: Kysely<Database>, table: T, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto(table).values(rows.slice(i, i + CHUNK) as never).execute();
}

/** Returns how many open items each kind it wrote. */
export async function loadWorklist(db: Kysely<Database>, l: WorklistLoad) {
  const episodes: Record<string, unknown>[] = [];
  const messages: Record<string, unknown>[] = [];
  const obligations: Record<string, unknown>[] = [];
  const deviations: Record<string, unknown>[] = [];
  let t = l.from.getTime();
  const at = () => new Date((t += 60_000)).toISOString();
  for (let e = 0; e < l.episodes; e++) {
    const id = `${l.prefix}-ep-${String(e).padStart(7, '0')}`;
    const unit = l.units[e % l.units.length]!;
    const mun = l.municipalities[e % l.municipalities.length]!;
    const ready = e % 3 === 0;
    episodes.push({
      episode_id: id, version: 1, region: 'halland', residence_municipality: mun, inpatient_unit_hsa: unit, primary_care_unit_hsa: l.primaryCareUnit,
      psychiatric: false, out_of_county: false, patient_ref: `p_${id}`, status: ready ? 'readyForDischarge' : 'admitted', admitted_at: l.from.toISOString(),
      ready_date: ready ? l.readyDate : null, checklist_complete: e % 2 === 0, outpatient_services_unavailable: false, downtime: false,
    });
    for (let m = 0; m < l.messagesPerEpisode; m++) {
      const messageId = `${id}-m${m}`;
      const type = m % 4 === 1 ? 'planningInvitation' : 'admissionNotice';
      const sentAt = at();
      messages.push({ process_type: 'discharge', process_id: id, message_id: messageId, type, version: 1, sender_kind: 'inpatient', sender_id: unit, sent_at: sentAt, recorded_at: sentAt });
      for (const r of [{ kind: 'municipality', id: mun }, { kind: 'primaryCare', id: l.primaryCareUnit }]) {
        obligations.push({
          process_type: 'discharge', process_id: id, obligation_id: `${messageId}-${r.kind}`, kind: 'acknowledge', message_id: messageId, responsible_kind: r.kind, responsible_id: r.id,
          due_at: at(), met_at: null, status: m === 0 ? 'overdue' : 'open', deviation_type: 'ACK_MISSING', deviation_id: m === 0 ? `${messageId}-${r.kind}-dev` : null, municipality: mun,
        });
        if (m === 0) {
          deviations.push({
            deviation_id: `${messageId}-${r.kind}-dev`, process_type: 'discharge', process_id: id, region: 'halland', municipality: mun, type: 'ACK_MISSING', responsible_kind: r.kind,
            responsible_id: r.id, assigned_kind: r.kind, assigned_id: r.id, description: 'Message not acknowledged', obligation_id: `${messageId}-${r.kind}`, deadline_at: at(),
            detected_at: at(), status: 'open', downtime: false, escalation: e % 5 === 0 ? 'escalated' : 'reminded',
          });
        }
      }
    }
  }
  await insertChunked(db, 'episodes', episodes);
  await insertChunked(db, 'messages', messages);
  await insertChunked(db, 'obligations', obligations);
  await insertChunked(db, 'deviations', deviations);
  return { episodes: episodes.length, obligations: obligations.length, deviations: deviations.length, checklists: episodes.filter((x) => x.status === 'readyForDischarge' && !x.checklist_complete).length };
}
