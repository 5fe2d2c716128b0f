import {
  cancelObligation,
  emptyTracking,
  meetObligation,
  nextDueAt,
  openObligation,
  processDue,
  type Party,
  type Tracking,
} from '../../src/domain/obligations';

const municipality: Party = { kind: 'municipality', id: '1380' };
const primaryCare: Party = { kind: 'primaryCare', id: 'SE2321000115-VC01' };

let ids = 0;
const ctx = (now: string) => ({ now, newId: () => `dev-${++ids}`, describe: () => 'not acknowledged' });

function tracking(): Tracking {
  const t = emptyTracking();
  openObligation(t, {
    obligationId: 'o1',
    kind: 'acknowledge',
    messageId: 'm1',
    responsible: municipality,
    dueAt: '2026-12-28T23:00:00.000Z', // end of Mon 2026-12-28 local
    dueLocalDate: '2026-12-28',
    escalateAt: '2026-12-29T23:00:00.000Z',
    deviationType: 'ACK_MISSING',
    openedAt: '2026-12-23T09:00:00.000Z',
  });
  openObligation(t, {
    obligationId: 'o2',
    kind: 'acknowledge',
    messageId: 'm1',
    responsible: primaryCare,
    dueAt: '2026-12-28T23:00:00.000Z',
    dueLocalDate: '2026-12-28',
    escalateAt: '2026-12-29T23:00:00.000Z',
    deviationType: 'ACK_MISSING',
    openedAt: '2026-12-23T09:00:00.000Z',
  });
  return t;
}

describe('shared obligation machinery (docs/domain.md §6)', () => {
  it('meeting an obligation before its deadline raises nothing', () => {
    const t = tracking();
    expect(meetObligation(t, 'o1', '2026-12-28T10:00:00.000Z').status).toBe('met');
    const { raised } = processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    expect(raised.map((d) => d.responsible)).toEqual([primaryCare]);
    expect(t.deviations).toHaveLength(1);
  });

  it('nothing is due before the deadline, everything at it', () => {
    const t = tracking();
    expect(processDue(t, ctx('2026-12-28T22:59:59.999Z')).raised).toHaveLength(0);
    const { raised, effects } = processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    expect(raised).toHaveLength(2);
    expect(raised.every((d) => d.type === 'ACK_MISSING' && d.status === 'open' && d.escalation === 'reminded')).toBe(true);
    expect(effects.map((e) => e.kind)).toEqual(['remind', 'remind']);
    // a second pass at the same time raises nothing twice
    expect(processDue(t, ctx('2026-12-28T23:00:00.000Z')).raised).toHaveLength(0);
  });

  it('escalates an open deviation to the coordinators after the further period, once', () => {
    const t = tracking();
    processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    expect(nextDueAt(t)).toBe('2026-12-29T23:00:00.000Z');
    const { effects } = processDue(t, ctx('2026-12-29T23:00:00.000Z'));
    expect(effects).toEqual([
      { kind: 'escalate', deviationId: t.deviations[0].deviationId, to: municipality },
      { kind: 'escalate', deviationId: t.deviations[1].deviationId, to: primaryCare },
    ]);
    expect(t.deviations.every((d) => d.escalation === 'escalated')).toBe(true);
    expect(processDue(t, ctx('2026-12-30T23:00:00.000Z')).effects).toHaveLength(0);
    expect(nextDueAt(t)).toBeUndefined();
  });

  it('a late acknowledgement resolves the deviation but keeps it on record, and stops the ladder', () => {
    const t = tracking();
    processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    const o = meetObligation(t, 'o1', '2026-12-29T08:00:00.000Z');
    expect(o.status).toBe('late');
    const d = t.deviations.find((x) => x.obligationId === 'o1')!;
    expect(d).toMatchObject({ status: 'resolved', resolvedAt: '2026-12-29T08:00:00.000Z', escalateAt: undefined });
    const { effects } = processDue(t, ctx('2026-12-29T23:00:00.000Z'));
    expect(effects.map((e) => e.to)).toEqual([primaryCare]); // only the other one escalates
  });

  it('a cancelled obligation never raises a deviation', () => {
    const t = tracking();
    cancelObligation(t, 'o1', 'invitation withdrawn');
    cancelObligation(t, 'o2', 'invitation withdrawn');
    expect(nextDueAt(t)).toBeUndefined();
    expect(processDue(t, ctx('2027-01-10T00:00:00.000Z')).raised).toHaveLength(0);
  });

  it('meeting twice keeps the first time', () => {
    const t = tracking();
    meetObligation(t, 'o1', '2026-12-24T08:00:00.000Z');
    expect(meetObligation(t, 'o1', '2026-12-27T08:00:00.000Z').metAt).toBe('2026-12-24T08:00:00.000Z');
  });

  it('refuses a duplicate obligation id', () => {
    const t = tracking();
    expect(() =>
      openObligation(t, { ...t.obligations[0], obligationId: 'o1' }),
    ).toThrow(/already exists/);
  });
});

describe('a configured reminder period (§6 ladder, per region and organisation)', () => {
  /** o1 due Mon 28 Dec, reminder Tue 29 Dec, escalation Wed 30 Dec (end of each local day) */
  function withReminder(): Tracking {
    const t = emptyTracking();
    openObligation(t, {
      obligationId: 'o1', kind: 'acknowledge', messageId: 'm1', responsible: municipality,
      dueAt: '2026-12-28T23:00:00.000Z', dueLocalDate: '2026-12-28',
      remindAt: '2026-12-29T23:00:00.000Z', escalateAt: '2026-12-30T23:00:00.000Z',
      deviationType: 'ACK_MISSING', openedAt: '2026-12-23T09:00:00.000Z',
    });
    return t;
  }

  it('the deviation is raised at the deadline, the unit reminded at remindAt, the coordinators reached at escalateAt', () => {
    const t = withReminder();
    const atDeadline = processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    expect(atDeadline.raised).toHaveLength(1);
    expect(atDeadline.effects).toEqual([]);
    expect(t.deviations[0]).toMatchObject({ escalation: 'none', remindAt: '2026-12-29T23:00:00.000Z' });
    expect(nextDueAt(t)).toBe('2026-12-29T23:00:00.000Z');
    expect(processDue(t, ctx('2026-12-29T22:59:59.999Z')).effects).toEqual([]);
    const atReminder = processDue(t, ctx('2026-12-29T23:00:00.000Z'));
    expect(atReminder.effects).toEqual([{ kind: 'remind', deviationId: t.deviations[0]!.deviationId, to: municipality }]);
    expect(t.deviations[0]).toMatchObject({ escalation: 'reminded', escalateAt: '2026-12-30T23:00:00.000Z' });
    expect(processDue(t, ctx('2026-12-30T23:00:00.000Z')).effects.map((e) => e.kind)).toEqual(['escalate']);
  });

  it('a late acknowledgement before the reminder resolves the deviation: no reminder is sent', () => {
    const t = withReminder();
    processDue(t, ctx('2026-12-28T23:00:00.000Z'));
    meetObligation(t, 'o1', '2026-12-29T08:00:00.000Z');
    expect(t.deviations[0]!.status).toBe('resolved');
    expect(processDue(t, ctx('2026-12-31T00:00:00.000Z')).effects).toEqual([]);
    expect(nextDueAt(t)).toBeUndefined();
  });
});
