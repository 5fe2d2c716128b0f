/**
 * What every process on the ProcessRuntime has alike, written once: how a missed obligation is
 * described on its deviation, and the staff's deviation actions (001 §3: every professional
 * involved reports deviations; a coordinator or the responsible party closes one, docs/domain.md §6).
 */
import type { Actor } from '../../src/domain/process';
import { closeDeviation, type Obligation, type Party } from '../../src/domain/obligations';
import type { ProcessRuntime } from './process-runtime';

/** A process's descriptions of its obligations by kind; any other kind is "… not done by <date>". */
export const describeWith =
  (byKind: Record<string, (o: Obligation) => string>) =>
  (o: Obligation): string =>
    (byKind[o.kind] ?? ((x: Obligation) => `${x.kind} not done by ${x.dueLocalDate}`))(o);

/** The `reportDeviation` and `closeDeviation` staff actions, the same in every process. */
export function deviationHandlers(rt: ProcessRuntime) {
  return {
    async reportDeviation(a: { responsible: Party; description: string; actor?: Actor }, at: string): Promise<string> {
      await rt.reportDeviation({ type: 'MANUAL', responsible: a.responsible, description: a.description, occurredAt: at, reportedBy: a.actor?.userId });
      return 'Deviation reported';
    },
    async closeDeviation(a: { deviationId: string; comment: string; actor?: Actor }, at: string): Promise<string> {
      closeDeviation(rt.tracking, a.deviationId, a.actor?.userId ?? 'unknown', a.comment, at);
      return 'Deviation closed';
    },
  };
}
