/**
 * The municipalities' review of an invoice basis (docs/domain.md §7 step 3): which review action the
 * state allows, and what it changes. Pure, so the monthly close workflow's validators and the
 * unit tests use the same rules.
 *
 * - A municipality flags a line of *its* basis as an obvious error (000: registration not per
 *   routine, patient of another municipality, patient died during the stay; or OTHER with text).
 * - The region accepts or rejects each flag; an accepted flag removes the line at finalisation.
 * - A rejected flag can be raised as a dispute, which escalates (004 §6: first the management
 *   level concerned, then the county leadership, Länsledning Välfärd).
 * - A municipality approves its basis; when all have approved and no flag awaits a decision, the
 *   invoice is final before the review timer ends. Flags undecided when the timer ends lapse
 *   (not accepted): the review period is the region's deadline as much as the municipalities'.
 */
export const FLAG_REASONS = ['WRONG_MUNICIPALITY', 'DIED_DURING_STAY', 'REGISTRATION_ERROR', 'OTHER'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const DISPUTE_LEVELS = ['management', 'countyLeadership'] as const;
export type DisputeLevel = (typeof DISPUTE_LEVELS)[number];

export interface Actor {
  userId: string;
  organisation: string;
}

export interface Flag {
  /** '<lineRef>#<n>' */
  flagId: string;
  municipality: string;
  lineRef: string;
  reason: FlagReason;
  text: string | null;
  status: 'open' | 'accepted' | 'rejected' | 'lapsed';
  raisedBy: string | null;
  raisedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  dispute: { level: DisputeLevel; raisedAt: string; notes: string[] } | null;
}

export interface ReviewState {
  status: 'review' | 'final';
  /** per municipality: number of basis lines, approval */
  municipalities: Record<string, { lines: number; approvedAt: string | null }>;
  flags: Flag[];
}

export type ReviewAction = (
  | { type: 'flagLine'; municipality: string; lineRef: string; reason: FlagReason; text?: string; actor?: Actor }
  | { type: 'decideFlag'; flagId: string; decision: 'accept' | 'reject'; note?: string; actor?: Actor }
  | { type: 'raiseDispute'; flagId: string; note: string; actor?: Actor }
  | { type: 'escalateDispute'; flagId: string; note?: string; actor?: Actor }
  | { type: 'approveBasis'; municipality: string; actor?: Actor }
) & {
  /** the request's hash (Idempotency-Key), echoed in the answer: a reused key with another body is refused */
  requestHash?: string;
};

export type ReviewActionType = ReviewAction['type'];
export const REVIEW_ACTIONS: readonly ReviewActionType[] = ['flagLine', 'decideFlag', 'raiseDispute', 'escalateDispute', 'approveBasis'];

export interface Refusal {
  code: string;
  message: string;
}
const refuse = (code: string, message: string): Refusal => ({ code, message });

/** '<kommunkod>-<seq>' of the municipality, seq within its number of lines. */
function lineExists(s: ReviewState, municipality: string, lineRef: string): boolean {
  const m = /^(\d{4})-(\d{5})$/.exec(lineRef);
  const lines = s.municipalities[municipality]?.lines ?? 0;
  return !!m && m[1] === municipality && Number(m[2]) >= 1 && Number(m[2]) <= lines;
}

export function reviewRefusal(s: ReviewState, a: ReviewAction): Refusal | undefined {
  if (s.status !== 'review') return refuse('CLOSE_FINAL', 'The invoice is final; correct it with a credit/debit note.');
  switch (a.type) {
    case 'flagLine': {
      const m = s.municipalities[a.municipality];
      if (!m) return refuse('UNKNOWN_MUNICIPALITY', `Municipality ${a.municipality} has no invoice basis in this close.`);
      if (m.approvedAt) return refuse('BASIS_APPROVED', `Municipality ${a.municipality} has already approved its basis.`);
      if (!lineExists(s, a.municipality, a.lineRef)) return refuse('UNKNOWN_LINE', `Line ${a.lineRef} is not in the basis of ${a.municipality}.`);
      if (!(FLAG_REASONS as readonly string[]).includes(a.reason)) return refuse('UNKNOWN_REASON', `Reason must be one of ${FLAG_REASONS.join(', ')}.`);
      if (a.reason === 'OTHER' && !a.text?.trim()) return refuse('TEXT_REQUIRED', 'A flag with reason OTHER needs a text.');
      if (s.flags.some((f) => f.lineRef === a.lineRef && (f.status === 'open' || f.status === 'accepted'))) {
        return refuse('ALREADY_FLAGGED', `Line ${a.lineRef} already has a flag that is open or accepted.`);
      }
      return undefined;
    }
    case 'decideFlag': {
      const f = s.flags.find((x) => x.flagId === a.flagId);
      if (!f) return refuse('UNKNOWN_FLAG', `There is no flag ${a.flagId}.`);
      if (f.status !== 'open') return refuse('FLAG_DECIDED', `Flag ${a.flagId} is already ${f.status}.`);
      return undefined;
    }
    case 'raiseDispute': {
      const f = s.flags.find((x) => x.flagId === a.flagId);
      if (!f) return refuse('UNKNOWN_FLAG', `There is no flag ${a.flagId}.`);
      if (f.status !== 'rejected') return refuse('FLAG_NOT_REJECTED', 'Only a rejected flag can be raised as a dispute.');
      if (f.dispute) return refuse('ALREADY_DISPUTED', `Flag ${a.flagId} is already disputed (${f.dispute.level}).`);
      return undefined;
    }
    case 'escalateDispute': {
      const f = s.flags.find((x) => x.flagId === a.flagId);
      if (!f?.dispute) return refuse('NO_DISPUTE', `Flag ${a.flagId} has no dispute to escalate.`);
      if (f.dispute.level === 'countyLeadership') return refuse('TOP_LEVEL', 'The dispute is already with the county leadership.');
      return undefined;
    }
    case 'approveBasis': {
      const m = s.municipalities[a.municipality];
      if (!m) return refuse('UNKNOWN_MUNICIPALITY', `Municipality ${a.municipality} has no invoice basis in this close.`);
      if (m.approvedAt) return refuse('BASIS_APPROVED', `Municipality ${a.municipality} has already approved its basis.`);
      return undefined;
    }
  }
}

/** Applies an allowed action; returns a one-line summary for the timeline. */
export function applyReview(s: ReviewState, a: ReviewAction, at: string): string {
  const who = a.actor?.userId ?? null;
  switch (a.type) {
    case 'flagLine': {
      const n = s.flags.filter((f) => f.lineRef === a.lineRef).length + 1;
      const flagId = `${a.lineRef}#${n}`;
      s.flags.push({
        flagId, municipality: a.municipality, lineRef: a.lineRef, reason: a.reason, text: a.text?.trim() || null, status: 'open',
        raisedBy: who, raisedAt: at, decidedBy: null, decidedAt: null, decisionNote: null, dispute: null,
      });
      return `Flag ${flagId}: ${a.reason}`;
    }
    case 'decideFlag': {
      const f = s.flags.find((x) => x.flagId === a.flagId)!;
      f.status = a.decision === 'accept' ? 'accepted' : 'rejected';
      f.decidedBy = who;
      f.decidedAt = at;
      f.decisionNote = a.note ?? null;
      return `Flag ${f.flagId} ${f.status}`;
    }
    case 'raiseDispute': {
      const f = s.flags.find((x) => x.flagId === a.flagId)!;
      f.dispute = { level: 'management', raisedAt: at, notes: [a.note] };
      return `Dispute on ${f.flagId} raised to management`;
    }
    case 'escalateDispute': {
      const f = s.flags.find((x) => x.flagId === a.flagId)!;
      f.dispute!.level = 'countyLeadership';
      if (a.note) f.dispute!.notes.push(a.note);
      return `Dispute on ${f.flagId} escalated to the county leadership`;
    }
    case 'approveBasis':
      s.municipalities[a.municipality]!.approvedAt = at;
      return `Basis approved by ${a.municipality}`;
  }
}

/** Every municipality approved and no flag awaits the region: the invoice can be final now. */
export function reviewComplete(s: ReviewState): boolean {
  return Object.values(s.municipalities).every((m) => m.approvedAt !== null) && !s.flags.some((f) => f.status === 'open');
}

/** At finalisation: undecided flags lapse; accepted flags become the corrections. */
export function closeReview(s: ReviewState): { lineRef: string; reason: string }[] {
  for (const f of s.flags) if (f.status === 'open') f.status = 'lapsed';
  s.status = 'final';
  return s.flags.filter((f) => f.status === 'accepted').map((f) => ({ lineRef: f.lineRef, reason: f.reason }));
}
