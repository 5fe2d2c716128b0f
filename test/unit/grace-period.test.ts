/**
 * The grace period of back-registration is the region's (docs/domain.md §4 Downtime, issue 15:
 * "by default the end of the first weekday after registration, configurable per region"):
 * `process.graceWeekdays` in REGIONS_FILE, 0 = none. The calendar activities compute it; the
 * workflows only carry the instants.
 */
import { createCalendarActivities } from '../../activities/calendar';
import { DEFAULT_CALENDAR_OPTIONS } from '../../src/domain/calendar';
import { DEFAULT_REGIONS } from '../../src/domain/regions';

const withGrace = (graceWeekdays: number | undefined) =>
  createCalendarActivities(DEFAULT_CALENDAR_OPTIONS, DEFAULT_REGIONS.map((r) => (r.id === 'halland' && graceWeekdays !== undefined ? { ...r, process: { ...r.process, graceWeekdays } } : r)));
const municipality = { kind: 'municipality', id: '1380' } as const;
// an admission notice sent on Monday 23 November 2026 at 11:00, due at the end of Tuesday 24 November …
const ack = { rule: 'acknowledgement' as const, from: '2026-11-23T10:00:00.000Z', region: 'halland', responsible: municipality };
// … back-registered on Thursday 3 December at 18:00
const REGISTERED = '2026-12-03T17:00:00.000Z';

describe('the grace period of back-registration is configurable per region', () => {
  it('default (1): judged at the end of the first weekday after registration, escalated a weekday later', async () => {
    const [d] = await withGrace(undefined).obligationDeadlines([ack], 1, REGISTERED);
    expect(d).toMatchObject({ dueAt: '2026-11-24T23:00:00.000Z', judgeAt: '2026-12-04T23:00:00.000Z', escalateAt: '2026-12-07T23:00:00.000Z' });
  });

  it('3 weekdays: the end of Tuesday 8 December (Friday, Monday, Tuesday), the ladder from then', async () => {
    const [d] = await withGrace(3).obligationDeadlines([ack], 1, REGISTERED);
    expect(d).toMatchObject({ dueAt: '2026-11-24T23:00:00.000Z', judgeAt: '2026-12-08T23:00:00.000Z', escalateAt: '2026-12-09T23:00:00.000Z' });
  });

  it('0: no grace period — judged at once, the ladder counting from the real deadline', async () => {
    const [d] = await withGrace(0).obligationDeadlines([ack], 1, REGISTERED);
    expect(d).toMatchObject({ dueAt: '2026-11-24T23:00:00.000Z', escalateAt: '2026-11-25T23:00:00.000Z' });
    expect(d!.judgeAt).toBeUndefined();
  });

  it('a deadline not yet past at registration has no grace period, whatever the region sets', async () => {
    for (const g of [0, 1, 3]) {
      const [d] = await withGrace(g).obligationDeadlines([ack], 1, '2026-11-24T12:00:00.000Z');
      expect(d!.judgeAt).toBeUndefined();
    }
  });

  it('a deadline inside a declared downtime window: judged the grace period after the window ends, over Christmas', async () => {
    // the window ends on Friday 18 December 2026 at 16:00; Christmas Eve to Boxing Day are not weekdays
    const w = { from: '2026-12-18T15:00:00.000Z', region: 'halland', responsible: municipality };
    expect((await withGrace(1).graceDeadlines([w], 1))[0]).toMatchObject({ judgeAt: '2026-12-21T23:00:00.000Z' });
    expect((await withGrace(4).graceDeadlines([w], 1))[0]).toMatchObject({ judgeAt: '2026-12-28T23:00:00.000Z' });
    expect((await withGrace(0).graceDeadlines([w], 1))[0]).toMatchObject({ judgeAt: w.from });
  });
});
