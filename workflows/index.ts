/**
 * Every workflow type the worker runs (its `workflowsPath`): one folder per process, the
 * implementation in `workflow.ts` and what callers use in `contract.ts` (docs/architecture.md).
 * The exported names are the workflow types in every history: never rename one.
 */
export { dischargeEpisode } from './discharge/workflow';
export { homeCareEnrollment } from './home-care/workflow';
export { singleHomeVisit } from './home-visit/workflow';
export { monthlyClose, monthlyCloseScheduled } from './monthly-close/workflow';
export { coordinatorDigest } from './coordinator-digest/workflow';
