/**
 * Home health care enrollments (hemsjukvård, docs/domain.md §5, 001 §7.1–§7.2) on the time-skipping
 * server with the real activities and ledger: every path (enrolled and discharged, declined,
 * death, move), every deadline met and missed, the link from a discharge episode, and a
 * years-long enrollment whose history stays bounded across continue-as-new.
 */
import { getEnrollmentRow, homeCareFigures } from '../../src/db/home-care';
import { processCounts, processTimeline } from '../../src/db/process-ledger';
import { unitInbox } from '../../src/db/operations';
import { acknowledgementDeadline, invitationDeadline, localDateOf } from '../../src/domain/calendar';
import { Episode, episodeInput, eventually, municipality, primaryCare, refusalOf, sleepUntil, UNITS } from '../helpers/discharge';
import { Enrollment, enrollmentInput } from '../helpers/home-care';
import { actWithStart, useWorkflowTestContext } from '../helpers/temporal';
import { HISTORY_LIMIT, enrollmentQuery, homeCareWorkflowType, homeCareUpdates, homeCareWorkflowId, type EnrollmentView } from '../../workflows/home-care/contract';

const ctx = useWorkflowTestContext();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const start = async (overrides: Partial<Parameters<typeof enrollmentInput>[0]> = {}) => Enrollment.start(ctx.env, ctx.taskQueue, enrollmentInput({ startedAt: await now(), ...overrides }));
const deviationsOf = async (e: Enrollment, type: string) => (await e.state()).deviations.filter((d) => d.type === type);
const doctor = { doctor: 'Dr Berg', unit: UNITS.primaryCare };

/** 001 §7.2 steps 2–6 on time, then the municipality enrolls the patient. */
async function planAndEnroll(e: Enrollment) {
  await e.act('sendInvitation', { meetingAt: plus(await now(), 2 * HOUR), location: 'home' });
  await e.act('appointNamedCareContact', { contact: 'Distriktssköterska Lind' });
  await e.acknowledgeLatest('planningInvitation');
  await e.act('recordPlanningMeeting', {});
  await e.act('recordSip', { selfCareAssessment: 'Klarar inte sin läkemedelshantering', party: primaryCare, part: 'Läkarbesök var tredje månad' });
  await e.act('appointNamedDoctor', doctor);
  await e.act('recordMedicationReview', {});
  return e.act('decideEnrollment', { decision: 'enroll' });
}

describe('hemsjukvård: every path', () => {
  it('initiated by primary care: planned, enrolled, lived with, ended by the out-of-episode message; the ledger has it', async () => {
    const startedAt = await now();
    const e = await start({ startedAt });
    let s = await planAndEnroll(e);
    expect(s.status).toBe('enrolled');
    expect(s.namedDoctor).toMatchObject(doctor);
    // while enrolled: each party's own SIP part, messages both ways, the named contact changing
    s = await e.act('updateSip', { party: municipality, part: 'Sjuksköterska dagligen' });
    s = await e.act('sendMessage', { sender: municipality, text: 'Ökat behov av såromläggning' });
    s = await e.acknowledgeLatest('generalMessage');
    s = await e.act('appointNamedCareContact', { contact: 'Distriktssköterska Ek' });
    s = await e.act('recordEndOfLifeConversation', {});
    const full = await e.state();
    expect(full.sip!.parts.map((p) => [p.party.kind, p.text])).toEqual([['primaryCare', 'Läkarbesök var tredje månad'], ['municipality', 'Sjuksköterska dagligen']]);
    expect(full.namedCareContact!.contact).toBe('Distriktssköterska Ek');

    // 7.–9. the municipality: care at home no longer needed; primary care acknowledges; the SIP is closed
    expect((await refusalOf(e.act('closeSip', {}))).code).toBe('NOT_ENDING');
    s = await e.act('careNoLongerNeeded', { text: 'Kan besöka vårdcentralen' });
    expect(s.status).toBe('ending');
    expect((await refusalOf(e.act('careNoLongerNeeded', {}))).code).toBe('ALREADY_ENDING');
    s = await e.acknowledgeLatest('outOfEpisodeMessage');
    expect(s.status).toBe('ending');
    s = await e.act('closeSip', {});
    expect(s.status).toBe('ended');
    expect(s.end).toMatchObject({ reason: 'CARE_NO_LONGER_NEEDED' });

    const result = await e.handle.result();
    expect(result.deviations).toEqual([]);
    const row = await eventually(async () => { const r = await getEnrollmentRow(ctx.ledger.db, s.enrollmentId); return r?.status === 'ended' ? r : undefined; }, 'ledger row');
    // §9: patients per municipality, new and ended, under/over 65
    const figures = await homeCareFigures(ctx.ledger.db, 'halland', startedAt, plus(await now(), 1000));
    expect(figures.find((f) => f.municipality === UNITS.municipality)).toEqual({ municipality: UNITS.municipality, patients: 1, enrolled: 0, new: 1, ended: 1, over65: 1, upTo65: 0, unknownAge: 0 });
    expect(row).toMatchObject({ residence_municipality: UNITS.municipality, age_at_start: 84, decision: 'enroll', end_reason: 'CARE_NO_LONGER_NEEDED', initiated_by: 'primaryCare' });
    expect(row.enrolled_at).not.toBeNull();
    expect(row.ended_at).not.toBeNull();
    expect(await processCounts(ctx.ledger.db, 'homeHealthCare', s.enrollmentId)).toMatchObject({ messages: 3, deviations: 0, timeline: result.version });
  });

  it('the municipality declines to enroll, with a reason; enrolling needs a SIP and a named doctor at the listed health centre', async () => {
    const e = await start();
    expect((await refusalOf(e.act('recordPlanningMeeting', {}))).code).toBe('NO_MEETING_BOOKED');
    await e.act('sendInvitation', { meetingAt: plus(await now(), HOUR), location: 'healthCentre' });
    expect((await refusalOf(e.act('recordSip', { selfCareAssessment: 'x', party: primaryCare, part: 'y' }))).code).toBe('NO_PLANNING_MEETING');
    await e.act('recordPlanningMeeting', {});
    expect((await refusalOf(e.act('decideEnrollment', { decision: 'enroll' }))).code).toBe('SIP_REQUIRED');
    await e.act('recordSip', { selfCareAssessment: 'Egenvård möjlig', party: primaryCare, part: 'Uppföljning' });
    expect((await refusalOf(e.act('decideEnrollment', { decision: 'enroll' }))).code).toBe('NAMED_DOCTOR_REQUIRED');
    expect((await refusalOf(e.act('appointNamedDoctor', { doctor: 'Dr X', unit: 'SE2321000115-VC99' }))).code).toBe('DOCTOR_NOT_AT_LISTED_CENTRE');
    expect((await refusalOf(e.act('decideEnrollment', { decision: 'decline' }))).code).toBe('REASON_REQUIRED');
    expect((await refusalOf(e.act('careNoLongerNeeded', {}))).code).toBe('NOT_ENROLLED');
    await e.acknowledgeLatest('planningInvitation');
    await e.act('appointNamedCareContact', { contact: 'Distriktssköterska Ek' });
    const s = await e.act('decideEnrollment', { decision: 'decline', reason: 'Kan ta sig till vårdcentralen' });
    expect(s).toMatchObject({ status: 'notEnrolled', decision: { decision: 'decline', reason: 'Kan ta sig till vårdcentralen' } });
    expect((await e.handle.result()).status).toBe('notEnrolled');
    const row = await eventually(() => getEnrollmentRow(ctx.ledger.db, s.enrollmentId).then((r) => (r?.status === 'notEnrolled' ? r : undefined)), 'row');
    expect(row).toMatchObject({ decision: 'decline', decision_reason: 'Kan ta sig till vårdcentralen', enrolled_at: null });
  });

  it('death ends the enrollment and withdraws pending acknowledgements without deviations', async () => {
    const e = await start();
    await planAndEnroll(e);
    await e.act('sendMessage', { sender: primaryCare, text: 'Ny ordination' });
    const s = await e.act('recordDeath', { date: localDateOf(new Date(await now())) });
    expect(s).toMatchObject({ status: 'ended', end: { reason: 'PATIENT_DIED' } });
    expect(s.openObligations).toEqual([]);
    const result = await e.handle.result();
    expect(result.obligations.at(-1)?.status).toBe('cancelled');
    expect(result.deviations).toEqual([]);
  });

  it('a move ends the enrollment with the new municipality; nothing more can be recorded', async () => {
    const e = await start();
    await planAndEnroll(e);
    const s = await e.act('recordMove', { toMunicipality: '1383' });
    expect(s).toMatchObject({ status: 'ended', end: { reason: 'PATIENT_MOVED', toMunicipality: '1383' } });
    const result = await e.handle.result();
    expect(result.timeline.at(-1)?.summary).toMatch(/moved to municipality 1383/);
    await expect(e.act('sendMessage', { sender: primaryCare, text: 'x' })).rejects.toThrow();
  });
});

describe('hemsjukvård: a staff action that arrives with the start', () => {
  it('waits until the start is recorded: a death recorded with the start leaves no obligation open on the ended enrollment', async () => {
    const input = enrollmentInput({ startedAt: await now(), initiatedBy: 'municipality' });
    // update-with-start puts the action in the workflow's very first activation, beside its start
    await actWithStart(ctx, homeCareUpdates.recordDeath, { type: 'recordDeath', date: localDateOf(new Date(input.startedAt)) } as never, homeCareWorkflowType, homeCareWorkflowId(input.enrollmentId), input);
    // the Update answers compactly (issue 21); the state is read by query, as the API does
    const s: EnrollmentView = await ctx.env.client.workflow.getHandle(homeCareWorkflowId(input.enrollmentId)).query(enrollmentQuery);
    expect(s.timeline.map((t) => t.action)).toEqual(['planningStarted', 'recordDeath']);
    // the planning request's acknowledgement was opened before the death ended the enrollment, so it was withdrawn with it
    const after = await ctx.env.client.workflow.getHandle(homeCareWorkflowId(input.enrollmentId)).query(enrollmentQuery);
    expect(after.messages.map((m) => m.type)).toEqual(['planningRequest']);
    expect(after.obligations.map((o) => [o.kind, o.status])).toEqual([['acknowledge', 'cancelled']]);
    expect(after.openObligations).toEqual([]);
  });
});

describe('hemsjukvård: deadlines met and missed', () => {
  it('kallelse not acknowledged and no named care contact by the next weekday: deviations, reminders, escalation; late actions resolve them', async () => {
    const e = await start();
    const sentAt = await now();
    let s = await e.act('sendInvitation', { meetingAt: plus(sentAt, 3 * DAY), location: 'home' });
    const due = acknowledgementDeadline(new Date(sentAt)).at.toISOString();
    expect(s.openObligations.map((o) => [o.kind, o.responsible, o.dueAt])).toEqual([['acknowledge', municipality, due], ['appointNamedCareContact', primaryCare, due]]);
    await eventually(async () => (await unitInbox(ctx.ledger.db, UNITS.municipality)).acknowledgements.some((a) => a.process_id === s.enrollmentId && a.message_type === 'planningInvitation'), 'inbox');

    await sleepUntil(ctx.env, plus(due, -1000));
    expect((await e.state()).deviations).toEqual([]);
    await sleepUntil(ctx.env, plus(due, 1000));
    const devs = await eventually(async () => { const d = (await e.state()).deviations; return d.length === 2 ? d : undefined; }, 'deviations');
    expect(devs.map((d) => [d.type, d.responsible]).sort()).toEqual([['ACK_MISSING', municipality], ['NAMED_CONTACT_MISSING', primaryCare]]);
    await sleepUntil(ctx.env, plus(devs[0].escalateAt!, 1000));
    await eventually(async () => (await e.state()).deviations.every((d) => d.escalation === 'escalated'), 'escalated');
    await eventually(async () => (await unitInbox(ctx.ledger.db, UNITS.municipality)).deviations.some((d) => d.process_id === s.enrollmentId && d.escalation === 'escalated'), 'inbox deviation');

    await e.acknowledgeLatest('planningInvitation');
    s = await e.act('appointNamedCareContact', { contact: 'Distriktssköterska Lind' });
    expect(s.deviations.map((d) => d.status)).toEqual(['resolved', 'resolved']);
    expect(s.obligations.map((o) => o.status)).toEqual(['late', 'late']);
  });

  it('the kallelse acknowledgement rule is configurable: the 14:00 receipt-day rule when set', async () => {
    const e = await start({ settings: { escalationWeekdays: 1, invitationAckRule: 'invitation' } });
    const sentAt = await now();
    const s = await e.act('sendInvitation', { meetingAt: plus(sentAt, 3 * DAY), location: 'home' });
    expect(s.openObligations.find((o) => o.kind === 'acknowledge')!.dueAt).toBe(invitationDeadline(new Date(sentAt), { invitationCutoff: '14:00' }).at.toISOString());
    await e.act('recordMove', {});
  });

  it('started by the municipality: its contact to primary care must be acknowledged by the next weekday', async () => {
    const startedAt = await now();
    const e = await start({ initiatedBy: 'municipality', startedAt });
    const s = await e.state();
    expect(s.messages.map((m) => [m.type, m.sender, m.recipients])).toEqual([['planningRequest', municipality, [primaryCare]]]);
    const due = acknowledgementDeadline(new Date(startedAt)).at.toISOString();
    expect(s.openObligations[0]).toMatchObject({ responsible: primaryCare, dueAt: due });
    await sleepUntil(ctx.env, plus(due, 1000));
    const [d] = await eventually(async () => { const x = await deviationsOf(e, 'ACK_MISSING'); return x.length ? x : undefined; }, 'ACK_MISSING');
    expect(d.responsible).toEqual(primaryCare);
    const after = await e.acknowledgeLatest('planningRequest');
    expect(after.deviations[0].status).toBe('resolved');
    await e.act('recordMove', {});
  });

  it('the out-of-episode message acknowledged late by primary care: ACK_MISSING, resolved; the enrollment then ends with the SIP closed', async () => {
    const e = await start();
    await planAndEnroll(e);
    const sentAt = await now();
    let s = await e.act('careNoLongerNeeded', {});
    const due = acknowledgementDeadline(new Date(sentAt)).at.toISOString();
    await e.act('closeSip', {});
    await sleepUntil(ctx.env, plus(due, 1000));
    await eventually(async () => (await deviationsOf(e, 'ACK_MISSING')).length === 1, 'ACK_MISSING');
    s = await e.acknowledgeLatest('outOfEpisodeMessage');
    expect(s).toMatchObject({ status: 'ended', end: { reason: 'CARE_NO_LONGER_NEEDED' } });
    expect(s.deviations.map((d) => [d.type, d.responsible, d.status])).toEqual([['ACK_MISSING', primaryCare, 'resolved']]);
    expect((await e.handle.result()).status).toBe('ended');
  });
});

describe('hemsjukvård from a discharge episode', () => {
  it('links the discharge episode, whose named-doctor rule is then satisfied at discharge', async () => {
    const ep = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: await now(), homeHealthCare: 'planned' }));
    const episodeId = (await ep.state()).episodeId;
    const e = await start({ dischargeEpisodeId: episodeId });
    const s = await eventually(async () => { const x = await e.state(); return x.dischargeLink ? x : undefined; }, 'link');
    expect(s.dischargeLink).toMatchObject({ episodeId, outcome: 'linked' });
    const episode = await ep.state();
    expect(episode.homeCareEnrollmentId).toBe(s.enrollmentId);
    const after = await ep.act('discharge', { sendNotice: true, homeHealthCare: 'planned' });
    expect(after.deviations.map((d) => d.type)).not.toContain('NAMED_DOCTOR_MISSING');
    const row = await eventually(() => getEnrollmentRow(ctx.ledger.db, s.enrollmentId).then((r) => r ?? undefined), 'row');
    expect(row.discharge_episode_id).toBe(episodeId);
    await e.act('recordMove', {});
  });

  it('an unknown discharge episode is recorded as not linked', async () => {
    const e = await start({ dischargeEpisodeId: 'no-such-episode' });
    const s = await eventually(async () => { const x = await e.state(); return x.dischargeLink ? x : undefined; }, 'link');
    expect(s.dischargeLink!.outcome).toBe('episodeNotFound');
    expect(s.timeline.at(-1)?.summary).toMatch(/Not linked/);
    await e.act('recordMove', {});
  });
});

describe('hemsjukvård for years: bounded history', () => {
  // A bound with room for the events that arrive while handlers drain before continue-as-new.
  const BOUND = HISTORY_LIMIT + 200;

  it('thousands of events and a simulated multi-year life: every run stays below the bound, the state survives every continue-as-new', async () => {
    const e = await start();
    await planAndEnroll(e);
    const model = { contact: 'Distriktssköterska Lind', doctor: 'Dr Berg', municipalPart: '', messages: 1 /* the kallelse */, lateAcks: 0, closedDeviations: 0 };
    const check = async () => {
      const s = await e.state();
      expect(s.status).toBe('enrolled');
      expect(s.namedCareContact!.contact).toBe(model.contact);
      expect(s.namedDoctor!.doctor).toBe(model.doctor);
      if (model.municipalPart) expect(s.sip!.parts.find((p) => p.party.kind === 'municipality')?.text).toBe(model.municipalPart);
      expect(s.timeline.at(-1)!.seq).toBe(s.version); // numbering continues across runs
      return s;
    };

    // three years: every month a message each way, a SIP update; every fourth month an acknowledgement is missed
    for (let month = 1; month <= 36; month++) {
      const sender = month % 2 ? municipality : primaryCare;
      let s = await e.act('sendMessage', { sender, text: `Månadsuppföljning ${month}` });
      model.messages += 1;
      const m = s.messages.at(-1)!;
      const recipient = m.recipients[0];
      if (month % 4 === 0) {
        await sleepUntil(ctx.env, plus(s.openObligations.find((o) => o.messageId === m.messageId)!.dueAt, 1000));
        await eventually(async () => (await e.state()).deviations.some((d) => d.obligationId && d.status === 'open'), 'ACK_MISSING');
        model.lateAcks += 1;
      }
      s = await e.act('acknowledge', { messageId: m.messageId, party: recipient });
      model.municipalPart = `Insatser månad ${month}`;
      await e.act('updateSip', { party: municipality, part: model.municipalPart });
      if (month % 12 === 0) {
        model.contact = `Distriktssköterska ${month}`;
        model.doctor = `Dr ${month}`;
        await e.act('appointNamedCareContact', { contact: model.contact });
        await e.act('appointNamedDoctor', { doctor: model.doctor, unit: UNITS.primaryCare });
        const d = await e.act('reportDeviation', { responsible: municipality, description: `Årlig avvikelse ${month}` });
        await e.act('closeDeviation', { deviationId: d.deviations.filter((x) => x.status === 'open').at(-1)!.deviationId, comment: 'Åtgärdat' });
        model.closedDeviations += 1;
      }
      await check();
      await ctx.env.sleep(30 * DAY);
    }

    // then a burst: hundreds of messages and acknowledgements, thousands of history events
    // (sequential: on the Java time-skipping server an update sent while a run continues as new
    // never completes; concurrent actions across continue-as-new are tested on the dev server
    // in test/api/home-care.test.ts)
    for (let i = 0; i < 250; i++) {
      const s = await e.act('sendMessage', { sender: primaryCare, text: `Meddelande ${i}` });
      model.messages += 1;
      await e.act('acknowledge', { messageId: s.messages.at(-1)!.messageId, party: municipality });
      if (i % 50 === 49) await check();
    }
    const s = await check();
    expect(s.run).toBeGreaterThanOrEqual(4);
    expect(s.continuedAsNew.length).toBe(Math.min(20, s.run - 1));
    expect(s.timeline.length).toBeLessThanOrEqual(100 + HISTORY_LIMIT / 4);
    expect(s.deviations.filter((d) => d.status === 'open')).toEqual([]);

    // every earlier run's history, read back from the server, stays below the bound
    const total = { events: 0 };
    for (const r of s.continuedAsNew) {
      const h = await ctx.env.client.workflow.getHandle(e.handle.workflowId, r.runId).fetchHistory();
      expect(h.events!.length).toBeLessThan(BOUND);
      total.events += h.events!.length;
    }
    const current = await e.handle.fetchHistory();
    expect(current.events!.length).toBeLessThan(BOUND);
    expect(total.events + current.events!.length).toBeGreaterThan(2_000);

    // the ledger holds the full record the workflow no longer carries
    const counts = await eventually(async () => { const c = await processCounts(ctx.ledger.db, 'homeHealthCare', s.enrollmentId); return c.timeline === s.version ? c : undefined; }, 'ledger caught up');
    expect(counts.messages).toBe(model.messages); // the kallelse and every message since
    expect(counts.deviations).toBe(model.lateAcks + model.closedDeviations);
    const timeline = await processTimeline(ctx.ledger.db, 'homeHealthCare', s.enrollmentId);
    expect(timeline.map((t) => t.seq)).toEqual(Array.from({ length: s.version }, (_, i) => i + 1));

    const end = await e.act('recordMove', { toMunicipality: '1384' });
    expect(end.status).toBe('ended');
    expect((await e.handle.result()).status).toBe('ended');
  }, 600_000);
});
