/**
 * Driving home-care enrollments and single home visit orders in workflow tests. Thin on
 * purpose, like `discharge.ts`: the workflows and the domain do the work.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { HomeCareAction, HomeCareActionType } from '../../src/domain/home-care/actions';
import type { StartEnrollmentInput } from '../../src/domain/home-care/types';
import type { StartVisitOrderInput } from '../../src/domain/home-visit/types';
import type { VisitAction, VisitActionType } from '../../src/domain/home-visit/actions';
import { enrollmentQuery, homeCareWorkflowType, type HomeCareWorkflow, homeCareUpdates, type HomeCareAnswer, homeCareWorkflowId, type EnrollmentView } from '../../workflows/home-care/contract';
import { homeVisitUpdates, type HomeVisitAnswer, homeVisitWorkflowId, homeVisitWorkflowType, type HomeVisitWorkflow, visitOrderQuery, type VisitOrderView } from '../../workflows/home-visit/contract';
import { eventually, UNITS } from './discharge';

export function enrollmentInput(overrides: Partial<StartEnrollmentInput> & { startedAt: string }): StartEnrollmentInput {
  return {
    enrollmentId: randomUUID(),
    region: 'halland',
    patientRef: `p_${randomUUID().slice(0, 8)}`,
    patientAgeAtStart: 84,
    residenceMunicipality: UNITS.municipality,
    primaryCareUnit: UNITS.primaryCare,
    initiatedBy: 'primaryCare',
    consent: 'given',
    settings: { escalationWeekdays: 1, invitationAckRule: 'acknowledgement' },
    ...overrides,
  };
}

export class Enrollment {
  constructor(readonly handle: WorkflowHandle<HomeCareWorkflow>) {}

  static async start(env: TestWorkflowEnvironment, taskQueue: string, input: StartEnrollmentInput): Promise<Enrollment> {
    const handle = await env.client.workflow.start<HomeCareWorkflow>(homeCareWorkflowType, { workflowId: homeCareWorkflowId(input.enrollmentId), taskQueue, args: [input] });
    const enrollment = new Enrollment(handle);
    // the start is recorded (and a municipality's contact sent) by the workflow's first tasks, a
    // moment after the start returns: wait for them, as tests read the state from here on
    const started = (s: EnrollmentView) => s.version >= 1 && (input.initiatedBy !== 'municipality' || s.messages.length > 0);
    await eventually(async () => started(await enrollment.state()), 'enrollment started', 400);
    return enrollment;
  }

  /** Sends a staff action; resolves with the new state (as the API answers: the Update's compact answer, then the view by query) or rejects with the refusal. */
  async act<K extends HomeCareActionType>(type: K, body: Omit<Extract<HomeCareAction, { type: K }>, 'type'>, updateId?: string): Promise<EnrollmentView & { requestHash?: string }> {
    const answer = (await this.handle.executeUpdate(homeCareUpdates[type] as never, { args: [{ type, ...body }] as never, updateId })) as HomeCareAnswer;
    return { ...(await this.state()), ...(answer.requestHash ? { requestHash: answer.requestHash } : {}) };
  }

  state(): Promise<EnrollmentView> {
    return this.handle.query(enrollmentQuery);
  }

  /** Acknowledges the latest message of `type` by every recipient. */
  async acknowledgeLatest(type: string, occurredAt?: string): Promise<EnrollmentView> {
    let s = await this.state();
    const m = [...s.messages].reverse().find((x) => x.type === type);
    if (!m) throw new Error(`no ${type} message`);
    for (const r of m.recipients) s = await this.act('acknowledge', { messageId: m.messageId, party: r, occurredAt });
    return s;
  }
}

export function visitInput(overrides: Partial<StartVisitOrderInput> & { orderedAt: string; startDate: string; endDate: string }): StartVisitOrderInput {
  return {
    orderId: randomUUID(),
    region: 'halland',
    patientRef: `p_${randomUUID().slice(0, 8)}`,
    patientAgeAtOrder: 58,
    residenceMunicipality: UNITS.municipality,
    primaryCareUnit: UNITS.primaryCare,
    interventions: ['såromläggning', 'provtagning'],
    settings: { escalationWeekdays: 1 },
    ...overrides,
  };
}

export class VisitOrder {
  constructor(readonly handle: WorkflowHandle<HomeVisitWorkflow>) {}

  static async start(env: TestWorkflowEnvironment, taskQueue: string, input: StartVisitOrderInput): Promise<VisitOrder> {
    const handle = await env.client.workflow.start<HomeVisitWorkflow>(homeVisitWorkflowType, { workflowId: homeVisitWorkflowId(input.orderId), taskQueue, args: [input] });
    const order = new VisitOrder(handle);
    // the order is sent and recorded by the workflow's first tasks (see Enrollment.start)
    await eventually(async () => (await order.state()).version >= 1, 'order sent', 400);
    return order;
  }

  /** Sends a staff action; resolves with the new state (the Update's compact answer, then the view by query) or rejects with the refusal. */
  async act<K extends VisitActionType>(type: K, body: Omit<Extract<VisitAction, { type: K }>, 'type'>, updateId?: string): Promise<VisitOrderView & { requestHash?: string }> {
    const answer = (await this.handle.executeUpdate(homeVisitUpdates[type] as never, { args: [{ type, ...body }] as never, updateId })) as HomeVisitAnswer;
    return { ...(await this.state()), ...(answer.requestHash ? { requestHash: answer.requestHash } : {}) };
  }

  state(): Promise<VisitOrderView> {
    return this.handle.query(visitOrderQuery);
  }
}
