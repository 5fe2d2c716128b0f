/**
 * The local-activity proxy every process runs on: the calendar's deadlines and the ledger
 * projections (quick, in the worker, recorded in the history like any activity).
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '30s' } });
