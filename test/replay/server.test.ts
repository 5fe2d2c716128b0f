/**
 * `npm run replay --query …`'s source: the histories of the workflows a visibility query selects
 * on a running server (here the real dev server), replayed against the current code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historiesFromFiles, historiesFromServer, replayHistories } from '../../src/temporal/replay';
import { temporalCliPath } from '../../src/temporal/tools';
import { pollUntil, stockholmDate } from '../helpers/api';
import { Episode, episodeInput, primaryCare } from '../helpers/discharge';
import { useWorkflowTestContext, workflowBundle } from '../helpers/temporal';

const ctx = useWorkflowTestContext('dev');

it('replays the open discharge episodes of a region, selected by a visibility query', async () => {
  const region = 'gavleborg';
  const started: Episode[] = [];
  for (let i = 0; i < 2; i++) {
    const e = await Episode.start(ctx.env, ctx.taskQueue, { ...episodeInput({ admittedAt: new Date().toISOString(), region }), residenceMunicipality: '2180' });
    await e.act('admissionNotice', { expectedReadyDate: stockholmDate() });
    await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A' });
    started.push(e);
  }
  const ids = started.map((e) => e.handle.workflowId);
  // the workflows carry their search attributes only if started with them: select by id here, by Region in production
  const query = `WorkflowType = 'dischargeEpisode' AND ExecutionStatus = 'Running' AND WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  // visibility is eventually consistent: poll until both are listed
  const summary = await pollUntil(() => replayHistories({ workflowBundle: workflowBundle() }, historiesFromServer(ctx.env.client, query)), (s) => s.replayed >= 2);
  expect(summary.failures).toEqual([]);
  expect(summary.replayed).toBe(2);
  expect(summary.byType).toEqual({ dischargeEpisode: 2 });
});

it('replays a history file written by Temporal\'s own CLI (`temporal workflow show --output json`)', async () => {
  const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: new Date().toISOString() }));
  await e.act('admissionNotice', { expectedReadyDate: stockholmDate() });
  const json = execFileSync(temporalCliPath, ['workflow', 'show', '--output', 'json', '--address', ctx.env.address, '--namespace', ctx.env.namespace ?? 'default', '--workflow-id', e.handle.workflowId], { encoding: 'utf8' });
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  try {
    writeFileSync(join(dir, 'from-cli.json'), json);
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, historiesFromFiles([dir]));
    expect(summary.failures).toEqual([]);
    expect(summary.byType).toEqual({ dischargeEpisode: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
