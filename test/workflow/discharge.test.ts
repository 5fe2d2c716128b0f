/**
 * The discharge workflow on the time-skipping server with the real database (PGlite) and the
 * real activities: every deadline is tested by letting time pass, never by shortening it.
 * Deadlines are read from the workflow (computed by the calendar activity) and checked against
 * the calendar module, then time is moved to just before and just after them.
 */
import { getEpisode } from '../../src/db/ledger';
import { declareDowntime, notificationsFor } from '../../src/db/operations';
import { acknowledgementDeadline, admissionNoticeAfterFirstRound, localDateOf } from '../../src/domain/calendar';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import {
  Episode,
  episodeInput,
  eventually,
  inpatient,
  municipality,
  primaryCare,
  psychiatricOutpatient,
  refusalOf,
  sleepUntil,
  UNITS,
} from '../helpers/discharge';
import { actWithStart, useWorkflowTestContext } from '../helpers/temporal';
import { dischargeWorkflowType, dischargeUpdates, dischargeWorkflowId, episodeQuery, type EpisodeView } from '../../workflows/discharge/contract';

const ctx = useWorkflowTestContext();
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
/** today in Stockholm on the skipped clock (staff give local dates) */
const today = async () => localDateOf(new Date(await ctx.env.currentTimeMs()));
const start = async (overrides: Partial<Parameters<typeof episodeInput>[0]> = {}) =>
  Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: await now(), ...overrides }));
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const deviationsOf = async (e: Episode, type: string) => (await e.state()).deviations.filter((d) => d.type === type);

/** Flow (a) up to a complete checklist; returns the state. */
async function planToReady(e: Episode, readyDate?: string) {
  await e.act('admissionNotice', { expectedReadyDate: (await today()) });
  await e.acknowledgeAll('admissionNotice');
  await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A' });
  await e.act('planningNeeded', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
  await e.acknowledgeAll('planningNeeded');
  await e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), 3_600_000), place: 'Avdelning 1', mode: 'inPerson', location: 'hospital', inviteInpatient: true });
  await e.acknowledgeAll('planningInvitation');
  await e.act('recordPlanningMeeting', {});
  await e.act('recordSip', { coordinator: 'Vårdcentralen', responsibilities: [{ party: 'kommun', responsibility: 'hemtjänst' }], selfCareAssessment: true });
  await e.act('updateChecklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
  return e.act('markReady', { readyDate: readyDate ?? (await today()) });
}

describe('discharge episode: the three flows run to the end', () => {
  it('flow (a): new needs — every step, no deviation, the ledger holds the episode, the workflow completes', async () => {
    const e = await start();
    let s = await planToReady(e);
    expect(s.status).toBe('readyForDischarge');
    expect(s.checklist.complete).toBe(true);
    expect(s.checklist.medicinesSecuredUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await e.acknowledgeAll('readyForDischarge');
    s = await e.act('discharge', { sendNotice: true });
    expect(s.status).toBe('discharged');
    expect(s.readyPeriods).toEqual([expect.objectContaining({ endReason: 'DISCHARGED', endDate: s.readyPeriods[0].readyDate })]);
    await e.acknowledgeAll('dischargeNotice');
    s = await e.act('completeSip', {});
    expect(s.deviations).toEqual([]);
    expect(s.openObligations).toEqual([]);
    expect(s.messages.map((m) => m.type)).toEqual(['admissionNotice', 'planningNeeded', 'planningInvitation', 'readyForDischarge', 'dischargeNotice']);

    const result = await e.handle.result(); // the process ends by itself
    expect(result.status).toBe('discharged');
    const row = await getEpisode(ctx.ledger.db, s.episodeId);
    expect(row).toMatchObject({ status: 'discharged', consent: 'given', planningFlow: 'a', residenceMunicipality: UNITS.municipality });
    expect(row!.version).toBe(result.version);
    expect(row!.readyPeriods).toHaveLength(1);
    expect(row!.messages).toHaveLength(5);
  });

  it('flow (b): existing municipal services only — no invitation is required, no INVITATION_LATE', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    await e.act('planningNeeded', { flow: 'b', consent: 'given' });
    let s = await e.act('markReady', { readyDate: (await today()) });
    expect(s.obligations.some((o) => o.kind === 'sendInvitation')).toBe(false);
    await ctx.env.sleep('5 days');
    expect(await deviationsOf(e, 'INVITATION_LATE')).toEqual([]);
    s = await e.act('discharge', { sendNotice: true });
    expect(s.status).toBe('discharged');
  });

  it('flow (c): social services only — the general message goes to the municipality alone', async () => {
    const e = await start();
    const s = await e.act('planningNeeded', { flow: 'c', consent: 'given' });
    const m = s.messages.find((x) => x.type === 'planningNeeded')!;
    expect(m.recipients).toEqual([municipality]);
    expect(s.openObligations.filter((o) => o.messageId === m.messageId).map((o) => o.responsible)).toEqual([municipality]);
  });

  it('consent declined: no invitation, no SIP, and the process still runs to discharge', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    await e.act('planningNeeded', { flow: 'a', consent: 'declined' });
    const before = await e.state();
    const r = await refusalOf(e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), 3_600_000), place: 'x', mode: 'phone', location: 'home', inviteInpatient: false }));
    expect(r.code).toBe('CONSENT_DECLINED');
    expect((await refusalOf(e.act('recordSip', { coordinator: 'x', responsibilities: [{ party: 'a', responsibility: 'b' }], selfCareAssessment: false }))).code).toBe('CONSENT_DECLINED');
    const after = await e.state();
    expect(after.version).toBe(before.version); // nothing recorded on a refusal
    expect(after.timeline).toHaveLength(before.timeline.length);
    await e.act('markReady', { readyDate: (await today()) });
    expect((await e.state()).obligations.some((o) => o.kind === 'sendInvitation')).toBe(false); // no planning meeting expected
    const s = await e.act('discharge', { sendNotice: true });
    expect(s.status).toBe('discharged');
    expect(s.planning?.consent).toBe('declined');
  });
});

describe('a staff action that arrives with the start', () => {
  it('waits until the admission is recorded: an admission notice in the first activation meets its obligation', async () => {
    const input = episodeInput({ admittedAt: await now() });
    // update-with-start puts the action in the workflow's very first activation, beside its start
    await actWithStart(ctx, dischargeUpdates.admissionNotice, { type: 'admissionNotice', expectedReadyDate: await today() } as never, dischargeWorkflowType, dischargeWorkflowId(input.episodeId), input);
    // the Update answers compactly (issue 21): the episode as the API then reads it
    const s: EpisodeView = await ctx.env.client.workflow.getHandle(dischargeWorkflowId(input.episodeId)).query(episodeQuery);
    expect(s.timeline.map((t) => t.action)).toEqual(['admitted', 'admissionNotice']);
    // the admission's obligation was opened before the notice met it, not after (then it would stay open)
    const after = await ctx.env.client.workflow.getHandle(dischargeWorkflowId(input.episodeId)).query(episodeQuery);
    // (no named care contact yet: it is owed once flow (a) is known, 001 step 3)
    expect(after.openObligations.map((o) => o.kind).sort()).toEqual(['acknowledge', 'acknowledge']);
  });
});

describe('deadlines met and missed', () => {
  it('ADMISSION_NOTICE_LATE exactly 24 hours after admission, then reminded and escalated', async () => {
    const admittedAt = await now();
    const e = await start({ admittedAt });
    // 24 hours, or after the first medical round when they end on a non-weekday (001 §6.1 step 2)
    const due = admissionNoticeAfterFirstRound(new Date(admittedAt)).at.toISOString();
    expect((await e.state()).openObligations[0]).toMatchObject({ kind: 'sendAdmissionNotice', dueAt: due, responsible: inpatient });

    await sleepUntil(ctx.env, plus(due, -1000));
    expect(await deviationsOf(e, 'ADMISSION_NOTICE_LATE')).toEqual([]);
    await sleepUntil(ctx.env, plus(due, 1000));
    const [d] = await eventually(async () => { const x = await deviationsOf(e, 'ADMISSION_NOTICE_LATE'); return x.length ? x : undefined; }, 'deviation');
    expect(d).toMatchObject({ status: 'open', escalation: 'reminded', responsible: inpatient, deadlineAt: due });
    // ladder step 1: the responsible unit is reminded (recorded as a notification)
    await eventually(async () => (await notificationsFor(ctx.ledger.db, UNITS.inpatient)).some((n) => n.deviation_id === d.deviationId && n.kind === 'reminder'), 'reminder');

    // ladder step 2: still open a weekday later → the coordinators
    await sleepUntil(ctx.env, plus(d.escalateAt!, 1000));
    const [d2] = await eventually(async () => { const x = await deviationsOf(e, 'ADMISSION_NOTICE_LATE'); return x[0]?.escalation === 'escalated' ? x : undefined; }, 'escalation');
    expect(d2.escalation).toBe('escalated');
    const notes = await eventually(async () => { const n = await notificationsFor(ctx.ledger.db, UNITS.inpatient); return n.filter((x) => x.deviation_id === d.deviationId).length === 2 ? n : undefined; }, 'escalation notification');
    expect(notes.filter((x) => x.deviation_id === d.deviationId).map((n) => n.kind)).toEqual(['reminder', 'escalation']);

    // the late notice resolves the deviation but keeps it on record
    const s = await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    expect(s.deviations.find((x) => x.deviationId === d.deviationId)).toMatchObject({ status: 'resolved', type: 'ADMISSION_NOTICE_LATE' });
    expect(s.obligations.find((o) => o.kind === 'sendAdmissionNotice')?.status).toBe('late');
  });

  it('ACK_MISSING per recipient at the end of the next weekday; a late acknowledgement resolves it', async () => {
    const e = await start();
    const sentAt = await now();
    let s = await e.act('admissionNotice', { expectedReadyDate: await today() });
    const due = acknowledgementDeadline(new Date(sentAt)).at.toISOString();
    const acks = s.openObligations.filter((o) => o.kind === 'acknowledge');
    expect(acks.map((o) => [o.responsible.kind, o.dueAt])).toEqual([
      ['municipality', due],
      ['primaryCare', due],
    ]);
    await e.act('acknowledge', { messageId: acks[0].messageId!, party: municipality }); // on time
    await sleepUntil(ctx.env, plus(due, -1000));
    expect(await deviationsOf(e, 'ACK_MISSING')).toEqual([]);
    await sleepUntil(ctx.env, plus(due, 1000));
    const devs = await eventually(async () => { const x = await deviationsOf(e, 'ACK_MISSING'); return x.length ? x : undefined; }, 'ACK_MISSING');
    expect(devs.map((d) => d.responsible)).toEqual([primaryCare]);
    // no named care contact is owed while no coordinated planning with a SIP is requested (001 step 3)
    expect(await deviationsOf(e, 'NAMED_CONTACT_MISSING')).toEqual([]);

    s = await e.act('acknowledge', { messageId: acks[1].messageId!, party: primaryCare });
    expect(s.deviations.find((d) => d.type === 'ACK_MISSING')?.status).toBe('resolved');
    expect(s.timeline.at(-1)?.summary).toMatch(/after the deadline/);
    expect((await refusalOf(e.act('acknowledge', { messageId: acks[1].messageId!, party: primaryCare }))).code).toBe('ALREADY_ACKNOWLEDGED');
  });

  it('a changed preliminary date re-sends the admission notice as a new version needing acknowledgement again', async () => {
    const e = await start();
    const day = await today();
    await e.act('admissionNotice', { expectedReadyDate: day });
    await e.acknowledgeAll('admissionNotice');
    expect((await refusalOf(e.act('admissionNotice', { expectedReadyDate: day }))).code).toBe('ADMISSION_NOTICE_UNCHANGED');
    const later = new Date(Date.parse(day) + 3 * 86_400_000).toISOString().slice(0, 10);
    const s = await e.act('admissionNotice', { expectedReadyDate: later });
    const notices = s.messages.filter((m) => m.type === 'admissionNotice');
    expect(notices.map((m) => [m.version, m.details?.expectedReadyDate])).toEqual([[1, day], [2, later]]);
    expect(s.openObligations.filter((o) => o.messageId === notices[1].messageId).map((o) => o.responsible)).toEqual([municipality, primaryCare]);
  });

  it('INVITATION_LATE when no invitation is sent within 3 days of the ready notice (flow a)', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    await e.act('planningNeeded', { flow: 'a', consent: 'given' });
    const s = await e.act('markReady', { readyDate: (await today()) });
    const o = s.openObligations.find((x) => x.kind === 'sendInvitation')!;
    expect(o).toMatchObject({ responsible: primaryCare, deviationType: 'INVITATION_LATE' });
    const readyDate = s.readyPeriods[0].readyDate;
    expect(o.dueLocalDate).toBe(new Date(Date.parse(`${readyDate}T12:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10));
    await sleepUntil(ctx.env, plus(o.dueAt, 1000));
    const [d] = await eventually(async () => { const x = await deviationsOf(e, 'INVITATION_LATE'); return x.length ? x : undefined; }, 'INVITATION_LATE');
    expect(d.responsible).toEqual(primaryCare);
  });

  it('no INVITATION_LATE when the planning meeting was already held before the patient was ready', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: await today() });
    await e.act('planningNeeded', { flow: 'a', consent: 'given' });
    await e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), 3_600_000), place: 'Avdelning 1', mode: 'inPerson', location: 'hospital', inviteInpatient: true });
    await e.act('recordPlanningMeeting', {});
    const s = await e.act('markReady', { readyDate: await today() });
    expect(s.obligations.some((o) => o.kind === 'sendInvitation')).toBe(false);
  });

  it('discharge without the notice: DISCHARGE_NOTICE_LATE after the discharge day; NOT_READY_TO_GO_HOME at once', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    let s = await e.act('discharge', { sendNotice: false });
    expect(s.deviations.map((d) => d.type)).toEqual(['NOT_READY_TO_GO_HOME_AT_DISCHARGE']);
    const o = s.openObligations.find((x) => x.kind === 'sendDischargeNotice')!;
    expect(o.dueLocalDate).toBe(s.readyPeriods[0]?.endDate ?? o.dueLocalDate);
    await sleepUntil(ctx.env, plus(o.dueAt, 1000));
    await eventually(async () => (await deviationsOf(e, 'DISCHARGE_NOTICE_LATE')).length === 1, 'DISCHARGE_NOTICE_LATE');
    s = await e.act('sendDischargeNotice', {});
    expect(s.deviations.find((d) => d.type === 'DISCHARGE_NOTICE_LATE')?.status).toBe('resolved');
    expect((await refusalOf(e.act('sendDischargeNotice', {}))).code).toBe('NOTICE_ALREADY_SENT');
  });

  it('home health care without a named doctor at discharge raises NAMED_DOCTOR_MISSING for primary care', async () => {
    const e = await start({ homeHealthCare: 'planned' });
    const s = await e.act('discharge', { sendNotice: true });
    expect(s.deviations.find((d) => d.type === 'NAMED_DOCTOR_MISSING')?.responsible).toEqual(primaryCare);
    const e2 = await start({ homeHealthCare: 'enrolled' });
    await e2.act('appointNamedDoctor', { doctor: 'Dr B', unit: UNITS.primaryCare });
    expect((await e2.act('discharge', { sendNotice: true })).deviations.some((d) => d.type === 'NAMED_DOCTOR_MISSING')).toBe(false);
  });
});

describe('withdrawal, cancellation, variants', () => {
  it('withdrawal of ready (återtag) withdraws the invitation and booked meeting; re-ready opens a second period', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    await e.act('planningNeeded', { flow: 'a', consent: 'given' });
    const day = await today();
    await e.act('markReady', { readyDate: day });
    let s = await e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), 86_400_000), place: 'Hemmet', mode: 'video', location: 'home', inviteInpatient: true });
    const inv = s.messages.find((m) => m.type === 'planningInvitation')!;
    s = await e.act('withdrawReadiness', { date: day, reason: 'Feber, ny infektion' });
    expect(s.status).toBe('admitted');
    expect(s.invitations[0].status).toBe('withdrawn');
    expect(s.obligations.filter((o) => o.messageId === inv.messageId).every((o) => o.status === 'cancelled')).toBe(true);
    expect((await refusalOf(e.act('acknowledge', { messageId: inv.messageId, party: municipality }))).code).toBe('MESSAGE_WITHDRAWN');
    expect((await refusalOf(e.act('withdrawReadiness', { date: day, reason: 'again' }))).code).toBe('NOT_READY');

    await ctx.env.sleep('2 days');
    const later = (await today());
    s = await e.act('markReady', { readyDate: later });
    expect(s.readyPeriods).toEqual([
      expect.objectContaining({ readyDate: day, endDate: day, endReason: 'WITHDRAWN', withdrawalReason: 'Feber, ny infektion' }),
      expect.objectContaining({ readyDate: later }),
    ]);
    // the withdrawn invitation never raises ACK_MISSING
    await ctx.env.sleep('6 days');
    const acks = await deviationsOf(e, 'ACK_MISSING');
    expect(acks.some((d) => s.obligations.find((o) => o.obligationId === d.obligationId)?.messageId === inv.messageId)).toBe(false);
  });

  it('cancellation because the patient died ends the episode with the reason and withdraws what was pending', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    await e.acknowledgeAll('admissionNotice');
    await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Ssk C' });
    await e.act('markReady', { readyDate: (await today()) });
    let s = await e.act('cancel', { reason: 'PATIENT_DIED', comment: 'Avled på avdelningen' });
    expect(s.status).toBe('cancelled');
    expect(s.cancellation).toMatchObject({ reason: 'PATIENT_DIED' });
    expect(s.readyPeriods[0].endReason).toBe('CANCELLED');
    expect((await refusalOf(e.act('discharge', { sendNotice: true }))).code).toBe('EPISODE_CANCELLED');
    s = await e.acknowledgeAll('planningCancelled');
    await e.acknowledgeAll('readyForDischarge');
    const result = await e.handle.result();
    expect(result.status).toBe('cancelled');
    await eventually(async () => (await getEpisode(ctx.ledger.db, s.episodeId))?.cancellationReason === 'PATIENT_DIED', 'ledger');
  });

  it('psychiatric stay: psychiatric outpatient care is a party, appoints its named contact, the form of care is required', async () => {
    const e = await start({ psychiatric: true, psychiatricOutpatientUnit: UNITS.psychiatricOutpatient });
    let s = await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    expect(s.messages[0].recipients).toEqual([municipality, primaryCare, psychiatricOutpatient]);
    expect((await refusalOf(e.act('planningNeeded', { flow: 'a', consent: 'given' }))).code).toBe('FORM_OF_CARE_REQUIRED');
    s = await e.act('planningNeeded', { flow: 'a', consent: 'given', formOfCare: 'LPT' });
    expect(s.planning?.formOfCare).toBe('LPT');
    // 001 step 3: planning with a SIP is needed, so both units owe a named care contact
    expect(s.openObligations.filter((o) => o.kind === 'appointNamedCareContact').map((o) => o.responsible)).toEqual([primaryCare, psychiatricOutpatient]);
    s = await e.act('appointNamedCareContact', { party: psychiatricOutpatient, contact: 'Case manager' });
    expect(s.openObligations.filter((o) => o.kind === 'appointNamedCareContact').map((o) => o.responsible)).toEqual([primaryCare]);
    s = await e.act('sendInvitation', { sender: psychiatricOutpatient, meetingAt: plus(await now(), 3_600_000), place: 'Mottagningen', mode: 'inPerson', location: 'other', inviteInpatient: true });
    expect(s.invitations).toHaveLength(1);
  });

  it('out-of-county patient: the home municipality is the party', async () => {
    const e = await start({ outOfCounty: true, residenceMunicipality: '0180' });
    const s = await e.act('admissionNotice', { expectedReadyDate: (await today()) });
    expect(s.outOfCounty).toBe(true);
    expect(s.messages[0].recipients[0]).toEqual({ kind: 'municipality', id: '0180' });
    await eventually(async () => (await getEpisode(ctx.ledger.db, s.episodeId))?.outOfCounty === true, 'ledger');
  });

  it('treatment-plan gate: under halland-2027, ready without a treatment plan is refused; with one it is accepted', async () => {
    const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
    // a day under halland-2027 (from 2027-01-01), and today on the skipped clock: the 2027 agreement marks
    // a patient ready only on the day they can go home (002, READY_NOT_TODAY), so the clock is moved
    // there first — how far the earlier tests skipped it varies from run to run
    if ((await today()) < '2027-01-11') await sleepUntil(ctx.env, '2027-01-11T09:00:00+01:00');
    const in2027 = await today();
    const e = await start({ agreements: halland.agreements });
    const before = await e.state();
    const r = await refusalOf(e.act('markReady', { readyDate: in2027 }));
    expect(r.code).toBe('TREATMENT_PLAN_REQUIRED');
    expect(r.message).toMatch(/behandlingsplan/);
    const after = await e.state();
    expect(after.deviations).toEqual([]); // refused, not a deviation
    expect(after.version).toBe(before.version);
    await e.act('recordTreatmentPlan', {});
    expect((await e.act('markReady', { readyDate: in2027 })).status).toBe('readyForDischarge');
    // Gävleborg's agreement has no such gate
    const gavleborg = DEFAULT_REGIONS.find((x) => x.id === 'gavleborg')!;
    const e2 = await start({ region: 'gavleborg', residenceMunicipality: '2180', agreements: gavleborg.agreements });
    expect((await e2.act('markReady', { readyDate: in2027 })).status).toBe('readyForDischarge');
  });
});

describe('out of order, duplicates, downtime', () => {
  it('answers out-of-order actions with a specific refusal and records nothing', async () => {
    const e = await start();
    const before = await e.state();
    const cases: [Promise<unknown>, string][] = [
      [e.act('sendDischargeNotice', {}), 'NOT_DISCHARGED'],
      [e.act('withdrawReadiness', { date: (await today()), reason: 'x' }), 'NOT_READY'],
      [e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), 3_600_000), place: 'x', mode: 'phone', location: 'home', inviteInpatient: false }), 'PLANNING_NOT_REQUESTED'],
      [e.act('completeSip', {}), 'NO_SIP'],
      [e.act('acknowledge', { messageId: '00000000-0000-4000-8000-000000000000', party: municipality }), 'UNKNOWN_MESSAGE'],
      [e.act('appointNamedCareContact', { party: municipality, contact: 'x' }), 'NOT_RESPONSIBLE'],
      [e.act('admissionNotice', { expectedReadyDate: '2000-01-01' }), 'READY_DATE_BEFORE_ADMISSION'],
      [e.act('careRequest', { sender: primaryCare }), 'NOT_A_PARTY'],
      [e.act('markReady', { readyDate: (await today()), occurredAt: plus(await now(), 86_400_000) }), 'OCCURRED_IN_FUTURE'],
    ];
    for (const [p, code] of cases) expect((await refusalOf(p)).code).toBe(code);
    const after = await e.state();
    expect(after.version).toBe(before.version);
    expect(after.timeline).toEqual(before.timeline);

    // a discharge whose admission notice was never registered is recorded, not lost
    const s = await e.act('discharge', { sendNotice: true });
    expect(s.status).toBe('discharged');
    expect((await refusalOf(e.act('withdrawReadiness', { date: (await today()), reason: 'x' }))).code).toBe('EPISODE_DISCHARGED');
  });

  it('the same update id twice records once and returns the first result', async () => {
    const e = await start();
    const first = await e.act('careRequest', { sender: municipality }, 'key-1');
    const again = await e.act('careRequest', { sender: municipality }, 'key-1');
    expect(again.version).toBe(first.version);
    const concurrent = await Promise.all([e.act('admissionNotice', { expectedReadyDate: (await today()) }, 'key-2'), e.act('admissionNotice', { expectedReadyDate: (await today()) }, 'key-2')]);
    expect(concurrent[0].version).toBe(concurrent[1].version);
    const s = await e.state();
    expect(s.messages.filter((m) => m.type === 'careRequest')).toHaveLength(1);
    expect(s.messages.filter((m) => m.type === 'admissionNotice')).toHaveLength(1);
  });

  it('back-registration after downtime: deadlines count from occurredAt, nothing is raised before the grace period ends, deviations inside the declared window are marked', async () => {
    const admittedAt = await now();
    // (8 days: past the admission notice's deadline even after a long weekend with a holiday)
    await ctx.env.sleep('8 days');
    // the system was down from admission for two days
    await declareDowntime(ctx.ledger.db, { windowId: `dt-${Date.now()}`, region: 'gavleborg', startsAt: admittedAt, endsAt: plus(admittedAt, 2 * 86_400_000), reason: 'Lifecare nere', declaredBy: null });
    const e = await start({ admittedAt, region: 'gavleborg', residenceMunicipality: '2180' });
    // docs/domain.md §4 Downtime: its deadline (admission + 24 h) had passed at registration, so it is
    // judged only at the end of the grace period: no deviation now, none of the notice's either
    const first = await e.state();
    const noticeDue = first.openObligations.find((o) => o.kind === 'sendAdmissionNotice')!;
    expect(Date.parse(noticeDue.judgeAt!)).toBeGreaterThan(Date.parse(await now()));
    expect(first.deviations).toEqual([]);
    // the notice was really sent on paper 2 hours after admission: registered now with that time
    const sentAt = plus(admittedAt, 2 * 3_600_000);
    const s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(admittedAt)), occurredAt: sentAt });
    expect(s.obligations.find((o) => o.kind === 'sendAdmissionNotice')?.status).toBe('met');
    const notice = s.messages.find((m) => m.type === 'admissionNotice')!;
    expect(notice.occurredAt).toBe(sentAt);
    expect(Date.parse(notice.recordedAt) - Date.parse(sentAt)).toBeGreaterThan(2 * 86_400_000);
    // its acknowledgement deadline counts from when it was really sent
    const ackDue = acknowledgementDeadline(new Date(sentAt)).at.toISOString();
    const acks = s.obligations.filter((o) => o.messageId === notice.messageId);
    expect(acks.map((o) => o.dueAt)).toEqual([ackDue, ackDue]);
    // Usually passed already (then judged after the grace period). Not when the skipped clock has
    // reached a holiday stretch (it depends on the real time the file started).
    const judged = acks.map((o) => (o.judgeAt && Date.parse(o.judgeAt) > Date.parse(o.dueAt) ? o.judgeAt : o.dueAt)).sort()[1];
    await sleepUntil(ctx.env, plus(judged, 1000));
    const raised = await eventually(async () => { const x = await deviationsOf(e, 'ACK_MISSING'); return x.length === 2 ? x : undefined; }, 'ACK_MISSING after the grace period');
    for (const d of raised) expect(Date.parse(d.detectedAt)).toBeGreaterThanOrEqual(Date.parse(judged) - 1000);
    // the notice itself was on time: no deviation ever existed for it
    expect(await deviationsOf(e, 'ADMISSION_NOTICE_LATE')).toEqual([]);
  });
});
