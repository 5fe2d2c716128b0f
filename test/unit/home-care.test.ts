/**
 * The pure home-care rules (src/domain/homecare): refusals a nurse understands, and what a
 * years-long enrollment carries into its next run.
 */
import { refusal, type HomeCareAction } from '../../src/domain/home-care/actions';
import { boundCarriedState, CARRIED } from '../../src/domain/home-care/bounded';
import type { HomeCareState } from '../../src/domain/home-care/types';
import { visitRefusal } from '../../src/domain/home-visit/actions';
import type { VisitOrderState } from '../../src/domain/home-visit/types';
import type { Obligation } from '../../src/domain/obligations';

const T0 = '2026-03-02T08:00:00.000Z';
const NOW = '2026-03-02T10:00:00.000Z';
const municipality = { kind: 'municipality', id: '1380' } as const;
const primaryCare = { kind: 'primaryCare', id: 'SE2321000115-VC01' } as const;

function enrollment(over: Partial<HomeCareState> = {}): HomeCareState {
  return {
    enrollmentId: 'e1',
    input: { enrollmentId: 'e1', region: 'halland', patientRef: 'p', residenceMunicipality: '1380', primaryCareUnit: primaryCare.id, initiatedBy: 'primaryCare', consent: 'given', startedAt: T0, settings: { escalationWeekdays: 1, invitationAckRule: 'acknowledgement' } },
    status: 'planning', version: 1, messages: [], tracking: { obligations: [], deviations: [] }, timeline: [], run: 1, continuedAsNew: [],
    ...over,
  };
}
const code = (s: HomeCareState, a: HomeCareAction) => refusal(s, a, NOW)?.code;

describe('enrollment refusals (001 §7.1–§7.2)', () => {
  it('enrolling needs the SIP and a named doctor at the listed health centre; declining needs a reason', () => {
    const held = enrollment({ invitation: { messageId: 'm', meetingAt: NOW, location: 'home', sentAt: T0, heldAt: NOW } });
    expect(code(held, { type: 'decideEnrollment', decision: 'enroll' })).toBe('SIP_REQUIRED');
    const withSip = { ...held, sip: { createdAt: NOW, updatedAt: NOW, selfCareAssessment: 'x', parts: [] } };
    expect(code(withSip, { type: 'decideEnrollment', decision: 'enroll' })).toBe('NAMED_DOCTOR_REQUIRED');
    expect(code(withSip, { type: 'appointNamedDoctor', doctor: 'D', unit: 'SE2321000115-VC99' })).toBe('DOCTOR_NOT_AT_LISTED_CENTRE');
    expect(code({ ...withSip, namedDoctor: { doctor: 'D', unit: primaryCare.id, appointedAt: NOW } }, { type: 'decideEnrollment', decision: 'enroll' })).toBeUndefined();
    expect(code(held, { type: 'decideEnrollment', decision: 'decline', reason: ' ' })).toBe('REASON_REQUIRED');
  });

  it('ending: only an enrolled patient; the SIP is closed only after the out-of-episode message; nothing after the end', () => {
    expect(code(enrollment(), { type: 'careNoLongerNeeded' })).toBe('NOT_ENROLLED');
    expect(code(enrollment({ status: 'enrolled' }), { type: 'closeSip' })).toBe('NOT_ENDING');
    expect(code(enrollment({ status: 'ended' }), { type: 'sendMessage', sender: primaryCare, text: 'x' })).toBe('ENROLLMENT_ENDED');
    expect(code(enrollment({ status: 'notEnrolled' }), { type: 'recordMove' })).toBe('NOT_ENROLLED');
    expect(code(enrollment(), { type: 'sendMessage', sender: { kind: 'municipality', id: '1381' }, text: 'x' })).toBe('NOT_A_PARTY');
    expect(code(enrollment(), { type: 'recordMove', occurredAt: '2026-03-01T00:00:00Z' })).toBe('OCCURRED_BEFORE_START');
  });
});

describe('single home visit refusals (001 §7.3)', () => {
  const order = (status: VisitOrderState['status']): VisitOrderState => ({
    orderId: 'o', status, version: 1, orderMessageId: 'm', endsAt: NOW, visits: [], messages: [], tracking: { obligations: [], deviations: [] }, timeline: [],
    input: { orderId: 'o', region: 'halland', patientRef: 'p', residenceMunicipality: '1380', primaryCareUnit: primaryCare.id, interventions: ['provtagning'], startDate: '2026-03-02', endDate: '2026-03-06', orderedAt: T0, settings: { escalationWeekdays: 1 } },
  });
  it('answers once; reports only ordered interventions within the period', () => {
    expect(visitRefusal(order('accepted'), { type: 'accept' }, NOW)?.code).toBe('ALREADY_ANSWERED');
    expect(visitRefusal(order('ordered'), { type: 'reportVisit', performedOn: '2026-03-02', interventions: ['provtagning'] }, NOW)?.code).toBe('NOT_ACCEPTED');
    expect(visitRefusal(order('accepted'), { type: 'reportVisit', performedOn: '2026-03-07', interventions: ['provtagning'] }, NOW)?.code).toBe('OUTSIDE_ORDER_PERIOD');
    expect(visitRefusal(order('accepted'), { type: 'reportVisit', performedOn: '2026-03-03', interventions: ['injektion'] }, NOW)?.code).toBe('NOT_ORDERED');
    expect(visitRefusal(order('cancelled'), { type: 'cancel', reason: 'x' }, NOW)?.code).toBe('ORDER_CLOSED');
  });
});

describe('what continues as new (bounded state)', () => {
  it('keeps every open item and the message it is about, the newest settled items and the last timeline entries', () => {
    const s = enrollment();
    const ob = (i: number, status: Obligation['status']): Obligation => ({
      obligationId: `o${i}`, kind: 'acknowledge', messageId: `m${i}`, responsible: municipality, dueAt: NOW, dueLocalDate: '2026-03-03', deviationType: 'ACK_MISSING', escalateAt: NOW, status, openedAt: T0,
    });
    for (let i = 0; i < 200; i++) {
      s.messages.push({ messageId: `m${i}`, type: 'generalMessage', sender: primaryCare, recipients: [municipality], occurredAt: T0, recordedAt: T0 });
      s.tracking.obligations.push(ob(i, i === 3 ? 'overdue' : 'met'));
      s.timeline.push({ seq: i + 1, action: 'x', occurredAt: T0, recordedAt: T0, summary: 'x' });
    }
    s.tracking.deviations.push({ deviationId: 'd3', type: 'ACK_MISSING', responsible: municipality, description: 'x', deadlineAt: NOW, detectedAt: NOW, status: 'open', downtime: false, escalation: 'reminded', obligationId: 'o3' });
    boundCarriedState(s);
    expect(s.tracking.obligations.map((o) => o.obligationId)).toEqual(['o3', ...Array.from({ length: CARRIED.settledObligations }, (_, i) => `o${200 - CARRIED.settledObligations + i}`)]);
    expect(s.messages[0].messageId).toBe('m3');
    expect(s.messages).toHaveLength(1 + CARRIED.settledMessages);
    expect(s.tracking.deviations.map((d) => d.deviationId)).toEqual(['d3']);
    expect(s.timeline.map((e) => e.seq)).toEqual(Array.from({ length: CARRIED.timeline }, (_, i) => 200 - CARRIED.timeline + i + 1));
  });
});
