/** The review rules of the monthly close (docs/domain.md §7 step 3), without Temporal. */
import { applyReview, closeReview, reviewComplete, reviewRefusal, type ReviewAction, type ReviewState } from '../../src/domain/billing/review';

const state = (): ReviewState => ({ status: 'review', municipalities: { '1380': { lines: 2, approvedAt: null }, '1383': { lines: 0, approvedAt: null } }, flags: [] });
const at = '2024-04-05T10:00:00.000Z';
function run(s: ReviewState, a: ReviewAction) {
  const r = reviewRefusal(s, a);
  if (r) return r.code;
  applyReview(s, a, at);
  return 'ok';
}

describe('municipality review', () => {
  it('flags only existing lines of the municipality; OTHER needs a text; one live flag per line', () => {
    const s = state();
    expect(run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00003', reason: 'REGISTRATION_ERROR' })).toBe('UNKNOWN_LINE');
    expect(run(s, { type: 'flagLine', municipality: '1383', lineRef: '1380-00001', reason: 'REGISTRATION_ERROR' })).toBe('UNKNOWN_LINE');
    expect(run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'OTHER', text: '  ' })).toBe('TEXT_REQUIRED');
    expect(run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'OTHER', text: 'double registration' })).toBe('ok');
    expect(run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'WRONG_MUNICIPALITY' })).toBe('ALREADY_FLAGGED');
    expect(s.flags[0]).toMatchObject({ flagId: '1380-00001#1', status: 'open', text: 'double registration' });
  });
  it('a rejected flag can be flagged again, disputed and escalated once', () => {
    const s = state();
    run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00002', reason: 'DIED_DURING_STAY' });
    expect(run(s, { type: 'raiseDispute', flagId: '1380-00002#1', note: 'x' })).toBe('FLAG_NOT_REJECTED');
    expect(run(s, { type: 'decideFlag', flagId: '1380-00002#1', decision: 'reject' })).toBe('ok');
    expect(run(s, { type: 'escalateDispute', flagId: '1380-00002#1' })).toBe('NO_DISPUTE');
    expect(run(s, { type: 'raiseDispute', flagId: '1380-00002#1', note: 'the patient died on day 2' })).toBe('ok');
    expect(run(s, { type: 'escalateDispute', flagId: '1380-00002#1' })).toBe('ok');
    expect(run(s, { type: 'escalateDispute', flagId: '1380-00002#1' })).toBe('TOP_LEVEL');
    expect(run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00002', reason: 'OTHER', text: 'new facts' })).toBe('ok');
    expect(s.flags.map((f) => f.flagId)).toEqual(['1380-00002#1', '1380-00002#2']);
  });
  it('complete when all approved and nothing is undecided; at the end open flags lapse and accepted ones are the corrections', () => {
    const s = state();
    run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'WRONG_MUNICIPALITY' });
    run(s, { type: 'flagLine', municipality: '1380', lineRef: '1380-00002', reason: 'REGISTRATION_ERROR' });
    run(s, { type: 'approveBasis', municipality: '1380' });
    run(s, { type: 'approveBasis', municipality: '1383' });
    expect(run(s, { type: 'approveBasis', municipality: '1383' })).toBe('BASIS_APPROVED');
    expect(reviewComplete(s)).toBe(false);
    run(s, { type: 'decideFlag', flagId: '1380-00001#1', decision: 'accept' });
    expect(reviewComplete(s)).toBe(false);
    expect(closeReview(s)).toEqual([{ lineRef: '1380-00001', reason: 'WRONG_MUNICIPALITY' }]);
    expect(s.flags[1]!.status).toBe('lapsed');
    expect(run(s, { type: 'approveBasis', municipality: '1380' })).toBe('CLOSE_FINAL');
  });
});
