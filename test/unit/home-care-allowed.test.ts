/**
 * The actions an enrollment or a visit order allows now (src/domain/home-care/allowed.ts,
 * src/domain/home-visit/allowed.ts): the
 * answer is the process's own refusal rule, and acknowledgements list only the messages still
 * awaiting the caller's party.
 */
import { allowedEnrollmentActions } from '../../src/domain/home-care/allowed';
import { allowedVisitActions } from '../../src/domain/home-visit/allowed';
import { refusal } from '../../src/domain/home-care/actions';
import type { HomeCareState } from '../../src/domain/home-care/types';
import type { VisitOrderState } from '../../src/domain/home-visit/types';
import type { Party } from '../../src/domain/obligations';

const NOW = '2026-12-03T10:00:00.000Z';
const MUN: Party = { kind: 'municipality', id: '2180' };
const PC: Party = { kind: 'primaryCare', id: 'SE2321000115-VC12' };
const RULES = { realTimes: true };

function enrollment(over: Partial<HomeCareState> = {}): HomeCareState {
  return {
    enrollmentId: 'e1', status: 'planning', version: 1, messages: [], tracking: { obligations: [], deviations: [] }, timeline: [], run: 1, continuedAsNew: [],
    input: {
      enrollmentId: 'e1', region: 'gavleborg', patientRef: 'ref', residenceMunicipality: '2180', primaryCareUnit: PC.id, initiatedBy: 'primaryCare', consent: 'given',
      startedAt: '2026-12-01T08:00:00.000Z', settings: { escalationWeekdays: 2, invitationAckRule: 'acknowledgement' },
    },
    ...over,
  };
}

function order(over: Partial<VisitOrderState> = {}): VisitOrderState {
  return {
    orderId: 'o1', status: 'ordered', version: 1, orderMessageId: 'm1', endsAt: '2026-12-10T23:00:00.000Z', visits: [], timeline: [],
    messages: [{ messageId: 'm1', type: 'singleHomeVisitOrder', sender: PC, recipients: [MUN], occurredAt: '2026-12-01T08:00:00.000Z', recordedAt: '2026-12-01T08:00:00.000Z' }],
    tracking: {
      obligations: [{ obligationId: 'ob1', kind: 'acknowledge', messageId: 'm1', responsible: MUN, dueAt: '2026-12-02T23:00:00.000Z', dueLocalDate: '2026-12-02', status: 'overdue' } as never],
      deviations: [],
    },
    input: {
      orderId: 'o1', region: 'gavleborg', patientRef: 'ref', residenceMunicipality: '2180', primaryCareUnit: PC.id, interventions: ['Såromläggning'],
      startDate: '2026-12-01', endDate: '2026-12-10', orderedAt: '2026-12-01T08:00:00.000Z', settings: { escalationWeekdays: 2 },
    },
    ...over,
  };
}

describe('home care: the actions allowed now', () => {
  it('answers each enrollment action with the refusal rule’s own code and sentence', () => {
    const s = enrollment();
    const answers = allowedEnrollmentActions(s, NOW, RULES, { party: PC });
    const meeting = answers.find((a) => a.type === 'recordPlanningMeeting');
    expect(meeting).toEqual({ type: 'recordPlanningMeeting', allowed: false, refusal: refusal(s, { type: 'recordPlanningMeeting', occurredAt: NOW }, NOW, RULES) });
    expect(meeting?.refusal?.code).toBe('NO_MEETING_BOOKED');
    expect(answers.find((a) => a.type === 'sendInvitation')).toEqual({ type: 'sendInvitation', allowed: true });
    expect(answers.find((a) => a.type === 'careNoLongerNeeded')?.refusal?.code).toBe('NOT_ENROLLED');
    expect(answers.some((a) => a.type === 'acknowledge')).toBe(false); // nothing awaits the health centre
    // only the types asked for (the caller's role's)
    expect(allowedEnrollmentActions(s, NOW, RULES, { party: MUN, types: ['decideEnrollment'] })).toEqual([{ type: 'decideEnrollment', allowed: true }]);
  });

  it('a closed enrollment refuses what it no longer allows', () => {
    const s = enrollment({ status: 'notEnrolled' });
    const answers = allowedEnrollmentActions(s, NOW, RULES, { party: MUN });
    expect(answers.find((a) => a.type === 'sendMessage')?.refusal?.code).toBe('NOT_ENROLLED');
    expect(answers.find((a) => a.type === 'reportDeviation')).toEqual({ type: 'reportDeviation', allowed: true });
  });

  it('a visit order: the municipality acknowledges and accepts; a visit is reported only once accepted', () => {
    const ordered = allowedVisitActions(order(), NOW, RULES, { party: MUN });
    expect(ordered.filter((a) => a.type === 'acknowledge')).toEqual([{ type: 'acknowledge', messageId: 'm1', allowed: true }]);
    expect(ordered.find((a) => a.type === 'accept')).toEqual({ type: 'accept', allowed: true });
    expect(ordered.find((a) => a.type === 'reportVisit')?.refusal?.code).toBe('NOT_ACCEPTED');
    // the health centre has nothing to acknowledge here
    expect(allowedVisitActions(order(), NOW, RULES, { party: PC }).some((a) => a.type === 'acknowledge')).toBe(false);

    const accepted = allowedVisitActions(order({ status: 'accepted' }), NOW, RULES, { party: MUN });
    expect(accepted.find((a) => a.type === 'reportVisit')).toEqual({ type: 'reportVisit', allowed: true });
    expect(accepted.find((a) => a.type === 'accept')?.refusal?.code).toBe('ALREADY_ANSWERED');
    const acknowledged = order();
    acknowledged.tracking.obligations[0]!.status = 'met';
    expect(allowedVisitActions(acknowledged, NOW, RULES, { party: MUN }).some((a) => a.type === 'acknowledge')).toBe(false);
  });
});
