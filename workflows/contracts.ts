/**
 * The workflow types by name, from the processes' contracts: what the API and the tools list
 * without importing the workflows (test/replay checks that workflows/index.ts exports exactly these).
 */
import { coordinatorDigestWorkflowType } from './coordinator-digest/contract';
import { dischargeWorkflowType } from './discharge/contract';
import { homeCareWorkflowType } from './home-care/contract';
import { homeVisitWorkflowType } from './home-visit/contract';
import { monthlyCloseScheduledWorkflowType, monthlyCloseWorkflowType } from './monthly-close/contract';

export const WORKFLOW_TYPES = [
  dischargeWorkflowType,
  homeCareWorkflowType,
  homeVisitWorkflowType,
  monthlyCloseWorkflowType,
  monthlyCloseScheduledWorkflowType,
  coordinatorDigestWorkflowType,
] as const;
