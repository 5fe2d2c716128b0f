/**
 * Driving discharge episodes in workflow tests: start one, send actions as Updates, read state.
 * Thin on purpose: the workflow and the domain do the work.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import type { DischargeAction, DischargeActionType } from '../../src/domain/discharge/actions';
import type { StartEpisodeInput } from '../../src/domain/discharge/types';
import { dischargeWorkflowType, type DischargeWorkflow, dischargeUpdates, dischargeWorkflowId, episodeQuery, type DischargeUpdateAnswer, type EpisodeView } from '../../workflows/discharge/contract';

export const UNITS = {
  inpatient: 'SE2321000115-AVD1',
  primaryCare: 'SE2321000115-VC01',
  psychiatricOutpatient: 'SE2321000115-PSY1',
  municipality: '1380',
} as const;

export const municipality = { kind: 'municipality', id: UNITS.municipality } as const;
export const primaryCare = { kind: 'primaryCare', id: UNITS.primaryCare } as const;
export const inpatient = { kind: 'inpatient', id: UNITS.inpatient } as const;
export const psychiatricOutpatient = { kind: 'psychiatricOutpatient', id: UNITS.psychiatricOutpatient } as const;

export function episodeInput(overrides: Partial<StartEpisodeInput> & { admittedAt: string }): StartEpisodeInput {
  const region = DEFAULT_REGIONS.find((r) => r.id === (overrides.region ?? 'halland'))!;
  return {
    episodeId: randomUUID(),
    region: region.id,
    patient: { kind: 'reservnummer', value: 'TEST-1' },
    patientRef: `p_${randomUUID().slice(0, 8)}`,
    patientAgeAtAdmission: 82,
    residenceMunicipality: UNITS.municipality,
    outOfCounty: false,
    inpatientUnit: UNITS.inpatient,
    primaryCareUnit: UNITS.primaryCare,
    psychiatric: false,
    homeHealthCare: 'none',
    settings: region.process,
    // no treatment-plan gate unless a test asks for the region's real agreements: the skipped
    // clock may cross into 2027, when Halland's gate starts
    agreements: [{ ruleSetId: 'law-2017-612', from: '2018-01-01', requiresTreatmentPlan: false }],
    ...overrides,
  };
}

export class Episode {
  constructor(readonly handle: WorkflowHandle<DischargeWorkflow>) {}

  static async start(env: TestWorkflowEnvironment, taskQueue: string, input: StartEpisodeInput): Promise<Episode> {
    const handle = await env.client.workflow.start<DischargeWorkflow>(dischargeWorkflowType, {
      workflowId: dischargeWorkflowId(input.episodeId),
      taskQueue,
      args: [input],
    });
    const episode = new Episode(handle);
    // the admission is recorded by the workflow's first task, a moment after the start returns:
    // tests compare versions from here on, so wait until it is (a query answers before that)
    await eventually(async () => (await episode.state()).version >= 1, 'admission recorded', 400);
    return episode;
  }

  /**
   * Sends a staff action; resolves with the new state (as the API answers: the Update's compact
   * answer, then the view by query, with the answer's request hash and warnings) or rejects with the refusal.
   */
  async act<K extends DischargeActionType>(type: K, body: Omit<Extract<DischargeAction, { type: K }>, 'type'>, updateId?: string): Promise<EpisodeView> {
    const answer = await this.handle.executeUpdate(dischargeUpdates[type] as never, { args: [{ type, ...body }] as never, updateId }) as DischargeUpdateAnswer;
    return { ...(await this.state()), requestHash: answer.requestHash, ...(answer.warnings ? { warnings: answer.warnings } : {}) };
  }

  state(): Promise<EpisodeView> {
    return this.handle.query(episodeQuery);
  }

  /** Acknowledges every open acknowledgement of the latest message of `type`. */
  async acknowledgeAll(type: string, occurredAt?: string): Promise<EpisodeView> {
    let s = await this.state();
    const m = [...s.messages].reverse().find((x) => x.type === type);
    if (!m) throw new Error(`no ${type} message`);
    for (const r of m.recipients) s = await this.act('acknowledge', { messageId: m.messageId, party: r, occurredAt });
    return s;
  }
}

/** Refusal code of a rejected update (ApplicationFailure type), for expect(...).rejects. */
export async function refusalOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message: string } }).cause;
    return { code: cause?.type, message: cause?.message ?? (err as Error).message };
  }
  throw new Error('expected the action to be refused, but it was accepted');
}

/** Advances the time-skipping server's clock to `iso` (never backwards). */
export async function sleepUntil(env: TestWorkflowEnvironment, iso: string): Promise<void> {
  const now = await env.currentTimeMs();
  const target = Date.parse(iso);
  if (target < now) throw new Error(`cannot sleep back in time to ${iso} (now ${new Date(now).toISOString()})`);
  if (target > now) await env.sleep(target - now);
}

/** Polls `fn` until it returns a truthy value (the worker reacts to a fired timer asynchronously). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
