/**
 * Each process's staff actions are declared once, in its catalog (src/domain/<process>/action-catalog.ts,
 * issue 18); the workflow takes the same types from a zod-free list (it registers one Update per
 * type). The compiler checks that both name every type of the action union; this checks that the
 * list names each once, so no Update is registered twice and none is missing at run time.
 */
import { DISCHARGE_ACTIONS } from '../../src/domain/discharge/actions';
import { DISCHARGE_ACTION_CATALOG } from '../../src/domain/discharge/action-catalog';
import { HOME_CARE_ACTIONS } from '../../src/domain/home-care/actions';
import { HOME_CARE_ACTION_CATALOG } from '../../src/domain/home-care/action-catalog';
import { VISIT_ACTIONS } from '../../src/domain/home-visit/actions';
import { VISIT_ACTION_CATALOG } from '../../src/domain/home-visit/action-catalog';

describe.each([
  ['discharge', DISCHARGE_ACTIONS, DISCHARGE_ACTION_CATALOG],
  ['homeCare', HOME_CARE_ACTIONS, HOME_CARE_ACTION_CATALOG],
  ['homeVisit', VISIT_ACTIONS, VISIT_ACTION_CATALOG],
] as const)('%s', (_process, types, catalog) => {
  it('the workflow’s list and the catalog name the same action types, each once', () => {
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual(Object.keys(catalog).sort());
  });

  it('every action has an endpoint of its own, a Swedish term, a summary and at least one role', () => {
    const paths = Object.values(catalog).map((s) => s.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const spec of Object.values(catalog)) {
      expect(spec.sv).not.toBe('');
      expect(spec.summary).not.toBe('');
      expect(spec.roles.length).toBeGreaterThan(0);
    }
  });
});
