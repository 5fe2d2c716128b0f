/**
 * What every process's ledger projection shares (docs/domain.md §8): obligations and deviations
 * as ledger records, and the downtime windows the runtime checks deadlines against (§4 Downtime).
 * Each process's own projection is in its file: ./discharge.ts, ./home-care.ts, ./home-visit.ts.
 */
import type { HomeCareMessage } from '../src/domain/home-care/types';
import type { Obligation, Deviation, Party, Tracking } from '../src/domain/obligations';
import type { LedgerStore } from '../src/db/ledger';
import type { DeviationRecord, ObligationRecord } from '../src/db/projection';
import type { ProcessProjection, TimelineRecord } from '../src/db/process-ledger';
import { downtimeEnds, downtimeFlags } from '../src/db/operations';

/** A party as the ledger stores it (kind and id, nothing else). */
export const partyRecord = (p: Party) => ({ kind: p.kind, id: p.id });

export function obligationRecord(o: Obligation): ObligationRecord {
  return {
    obligationId: o.obligationId,
    kind: o.kind,
    messageId: o.messageId ?? null,
    responsible: partyRecord(o.responsible),
    dueAt: o.dueAt,
    metAt: o.metAt ?? null,
    status: o.status,
    deviationType: o.deviationType,
    deviationId: o.deviationId ?? null,
  };
}

export function deviationRecord(d: Deviation): DeviationRecord {
  return {
    deviationId: d.deviationId,
    type: d.type,
    responsible: partyRecord(d.responsible),
    description: d.description,
    obligationId: d.obligationId ?? null,
    deadlineAt: d.deadlineAt,
    detectedAt: d.detectedAt,
    status: d.status,
    resolvedAt: d.resolvedAt ?? null,
    closedAt: d.closedAt ?? null,
    closedBy: d.closedBy ?? null,
    comment: d.comment ?? null,
    downtime: d.downtime,
    escalation: d.escalation,
    reportedBy: d.reportedBy ?? null,
    escalatedAt: d.escalatedAt ?? null,
    escalationAcknowledgedAt: d.escalationAcknowledgedAt ?? null,
    escalationAcknowledgedBy: d.escalationAcknowledgedBy ?? null,
    assignedTo: d.assignedTo ? partyRecord(d.assignedTo) : null,
    resolution: d.resolution ?? null,
    comments: d.comments ?? [],
    ...(d.withdrawnAt ? { withdrawnAt: d.withdrawnAt } : {}),
  };
}

/** The messages, obligations, deviations and timeline of a home-care process, as the ledger projection takes them. */
export function sharedRecords(
  region: string,
  municipality: string,
  s: { messages: HomeCareMessage[]; tracking: Tracking; timeline: TimelineRecord[] },
): Pick<ProcessProjection<'homeHealthCare'>, 'region' | 'municipality' | 'messages' | 'obligations' | 'deviations' | 'timeline'> {
  return {
    region,
    municipality,
    messages: s.messages.map((m) => ({ messageId: m.messageId, type: m.type, version: 1, sender: { kind: m.sender.kind, id: m.sender.id }, sentAt: m.occurredAt, recordedAt: m.recordedAt })),
    obligations: s.tracking.obligations.map(obligationRecord),
    deviations: s.tracking.deviations.map(deviationRecord),
    timeline: s.timeline,
  };
}

export function createLedgerActivities(ledger: LedgerStore) {
  return {
    /** Which of these instants fall inside a declared downtime window of the region. */
    async downtimeFlags(region: string, instants: string[]): Promise<boolean[]> {
      return downtimeFlags(ledger.db, region, instants);
    },

    /** The end of the declared downtime window each instant falls inside, or null (docs/domain.md §4 Downtime). */
    async downtimeEnds(region: string, instants: string[]): Promise<(string | null)[]> {
      return downtimeEnds(ledger.db, region, instants);
    },
    // recordNotifications (reminders and escalations, §6) lives in ./notifications.ts: it also delivers them
  };
}
