/**
 * WORKER_MAX_CACHED_WORKFLOWS (src/config.ts): a worker keeps at most that many processes in
 * memory between their tasks. With more processes active at once, an action or a deadline often
 * finds its process evicted, and the worker rebuilds it by replaying the whole history first.
 * The processes must behave as they do with a cache: the same answers, the same deviations, and
 * histories that replay (the file's context checks that last part after the tests).
 */
import { acknowledgementDeadline, localDateOf } from '../../src/domain/calendar';
import { Episode, episodeInput, primaryCare, sleepUntil } from '../helpers/discharge';
import { useWorkflowTestContext } from '../helpers/temporal';

const CACHED = 2;
const ctx = useWorkflowTestContext('timeSkipping', { maxCachedWorkflows: CACHED });
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const today = async () => localDateOf(new Date(await ctx.env.currentTimeMs()));
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

it('four episodes taking turns on a worker that caches two: every action answers as with a cache, and a missed deadline still raises its deviation', async () => {
  expect(ctx.worker.options.maxCachedWorkflows).toBe(CACHED);
  const episodes: Episode[] = [];
  for (let i = 0; i < 4; i++) episodes.push(await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: await now() })));

  // each round touches all four in turn, so the next action of an episode finds it evicted
  const sentAt = await now();
  for (const e of episodes) {
    await e.act('admissionNotice', { expectedReadyDate: await today() });
    // four episodes are running, at most two in memory: the others were evicted (with the SDK's default cache all four stay)
    expect(ctx.worker.getStatus().numCachedWorkflows).toBeLessThanOrEqual(CACHED);
  }
  for (const e of episodes.slice(0, 2)) await e.acknowledgeAll('admissionNotice');
  for (const e of episodes) {
    const s = await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A' });
    expect(s.namedCareContacts).toHaveLength(1);
    expect(s.timeline.map((t) => t.action)).toEqual(['admitted', 'admissionNotice', ...(episodes.indexOf(e) < 2 ? ['acknowledge', 'acknowledge'] : []), 'appointNamedCareContact']);
  }

  // the two unacknowledged notices pass their deadline while their episodes are out of the cache
  await sleepUntil(ctx.env, plus(acknowledgementDeadline(new Date(sentAt)).at.toISOString(), 1000));
  for (const [i, e] of episodes.entries()) {
    const s = await e.state();
    expect(s.deviations.filter((d) => d.type === 'ACK_MISSING')).toHaveLength(i < 2 ? 0 : 2);
    expect(s.openObligations.filter((o) => o.kind === 'acknowledge')).toHaveLength(i < 2 ? 0 : 2);
  }
});
