/**
 * Model-based test of the shared acknowledgement / deadline / deviation machinery on the pure
 * domain (issue 15): thousands of generated sequences of back-dated messages, acknowledgements,
 * waits and declared downtime windows, run through the same pure functions the ProcessRuntime
 * uses (obligations.ts: open, meet, the downtime judgement, processDue; the calendar activities'
 * deadline and grace computation, which are pure). After every step and at the end, the
 * invariants of test/model/invariants.ts must hold.
 *
 * Re-run a failure with MODEL_SEED=<seed printed below>.
 */
import fc from 'fast-check';
import { createCalendarActivities } from '../../activities/calendar';
import { windowEnds } from '../../src/db/operations';
import { DEFAULT_CALENDAR_OPTIONS } from '../../src/domain/calendar';
import {
  applyGrace,
  emptyTracking,
  markDowntime,
  meet,
  nextDueAt,
  openObligation,
  processDue,
  toCheckForDowntime,
  type Party,
  type Tracking,
} from '../../src/domain/obligations';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { deviationViolations, settledViolations } from '../model/invariants';
import { modelSeed, occurredAt, sequenceArb, type Sequence } from '../model/sequences';

const calendar = createCalendarActivities(DEFAULT_CALENDAR_OPTIONS, DEFAULT_REGIONS);
const PARTIES: Party[] = [
  { kind: 'municipality', id: '1380' },
  { kind: 'primaryCare', id: 'SE2321000115-VC01' },
  { kind: 'inpatient', id: 'SE2321000115-AVD1' },
];
const HOUR = 3_600_000;
const RUNS = Number(process.env.MODEL_RUNS ?? 2000);

/** A process reduced to its obligations, driven as the ProcessRuntime drives one. */
class PureProcess {
  t: Tracking = emptyTracking();
  windows: { startsAt: string; endsAt: string }[] = [];
  messages: { messageId: string; sentAt: string }[] = [];
  ids = 0;
  actions = 0;

  constructor(public now: number, readonly started: number) {}

  iso(ms = this.now) {
    return new Date(ms).toISOString();
  }

  /** What the main loop does when it wakes at `now` (process-runtime.ts judgeDue). */
  async judge(): Promise<void> {
    const now = this.iso();
    const checked = toCheckForDowntime(this.t, now);
    if (checked.length) {
      const graced = markDowntime(checked, windowEnds(this.windows, checked.map((o) => o.dueAt)));
      if (graced.length) {
        const grace = await calendar.graceDeadlines(graced.map(({ o, from }) => ({ from, region: 'halland', responsible: o.responsible })), 1);
        applyGrace(graced, grace, now);
      }
    }
    processDue(this.t, { now, newId: () => `d${++this.ids}`, describe: (o) => o.kind });
  }

  /** Time passes: the loop wakes at every instant something falls due, in order. */
  async waitUntil(target: number): Promise<void> {
    for (;;) {
      const next = nextDueAt(this.t);
      if (!next || Date.parse(next) > target) break;
      this.now = Math.max(this.now, Date.parse(next));
      await this.judge();
    }
    this.now = target;
    await this.judge();
  }

  /** A message sent at `at` (registered now) to 1–3 parties: one acknowledgement obligation each. */
  async send(at: string, recipients: Party[], invitation: boolean): Promise<void> {
    const rule = invitation ? 'invitation' : 'acknowledgement';
    const deadlines = await calendar.obligationDeadlines(recipients.map((r) => ({ rule, from: at, region: 'halland', responsible: r })), 1, this.iso());
    const messageId = `m${++this.ids}`;
    this.messages.push({ messageId, sentAt: at });
    recipients.forEach((r, i) => {
      const d = deadlines[i]!;
      openObligation(this.t, {
        obligationId: `o${++this.ids}`, kind: 'acknowledge', messageId, responsible: r, deviationType: 'ACK_MISSING',
        dueAt: d.dueAt, dueLocalDate: d.dueLocalDate, escalateAt: d.escalateAt, ...(d.remindAt ? { remindAt: d.remindAt } : {}), ...(d.judgeAt ? { judgeAt: d.judgeAt } : {}),
        openedAt: this.iso(),
      });
    });
  }
}

async function run(seq: Sequence): Promise<{ violations: string[]; actions: number }> {
  const startMs = Date.parse('2026-12-03T09:00:00Z');
  const p = new PureProcess(startMs + seq.startHoursBack * HOUR, startMs);
  const violations: string[] = [];
  for (const step of seq.steps) {
    if (step.kind === 'wait') await p.waitUntil(p.now + step.hours * HOUR);
    else if (step.kind === 'downtime') {
      const startsAt = p.now - step.startHoursBack * HOUR;
      p.windows.push({ startsAt: p.iso(startsAt), endsAt: p.iso(Math.min(p.now, startsAt + step.hours * HOUR)) });
    } else {
      p.actions += 1;
      // never before the process started, nor in the future (the refusal rules' job, tested elsewhere)
      const at = p.iso(Math.max(p.started, Date.parse(occurredAt(step, p.iso()) ?? p.iso())));
      const open = p.t.obligations.filter((o) => o.status === 'open' || o.status === 'overdue');
      if (step.type === 'acknowledge' && open.length) {
        const o = open[step.pick % open.length]!;
        const sent = p.messages.find((m) => m.messageId === o.messageId)!.sentAt;
        // an acknowledgement cannot precede its message
        const metAt = Date.parse(at) < Date.parse(sent) ? sent : at;
        meet(p.t, o.obligationId, metAt, { now: p.iso(), newId: () => `d${++p.ids}`, describe: (x) => x.kind });
      } else {
        const n = 1 + (step.pick2 % 3);
        await p.send(at, PARTIES.slice(0, n), step.pick % 5 === 0);
      }
      await p.judge();
    }
    violations.push(...deviationViolations(p.t));
    if (violations.length) return { violations, actions: p.actions };
  }
  // everything falls due: four weeks cover every grace and escalation period, holidays included
  await p.waitUntil(p.now + 28 * 24 * HOUR);
  violations.push(...deviationViolations(p.t), ...settledViolations(p.t, p.iso()));
  return { violations, actions: p.actions };
}

describe('the shared obligation machinery under generated back-registration (pure)', () => {
  it(`keeps its invariants over ${RUNS} generated sequences`, async () => {
    const seed = modelSeed();
    let sequences = 0;
    let actions = 0;
    const result = await fc.check(
      fc.asyncProperty(sequenceArb(undefined, 30), async (seq) => {
        const r = await run(seq);
        sequences += 1;
        actions += r.actions;
        if (r.violations.length) throw new Error(r.violations.join('\n'));
      }),
      { seed, numRuns: RUNS },
    );
    // the run count and seed go to the output, so a failure can be re-run (MODEL_SEED=…)
    console.log(`model (pure obligations): seed=${seed} runs=${RUNS} sequences=${sequences} actions=${actions}`);
    if (result.failed) throw new Error(`${fc.defaultReportMessage(result)}\n${String((result.errorInstance as Error)?.message ?? '')}`);
  });

  // Shrunk counterexamples found while building this, kept as named regressions.
});
