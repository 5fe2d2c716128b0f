/**
 * The order jest starts the test files in (jest.config.js `testSequencer`): the longest first.
 *
 * Jest's own sequencer orders by the duration it cached from the last run, and without a cache —
 * a fresh clone, i.e. CI — by file size. File size says little here: the longest files (Schemathesis,
 * the cluster, the faults) are short files driving whole processes, so in a fresh clone the faults
 * suite (about a minute) started last and ran alone at the end while the other worker idled.
 *
 * So each file's expected duration is the one jest cached, when there is one, else its figure
 * below (seconds, from fresh-clone runs of `npm test` on 2 cores); files with neither come after,
 * largest first as jest does. Plain JavaScript: jest loads the sequencer without transforming it.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** test file (relative to the repository) → seconds it takes inside `npm test` (2 workers, 2 cores) */
const KNOWN_SECONDS = {
  'test/api/schemathesis.test.ts': 100, // 150 before its refused operations lost their examples
  'test/e2e/cluster.test.ts': 95,
  'test/e2e/web.test.ts': 75,
  'test/workflow/home-care.test.ts': 70,
  'test/api/billing-matrix.test.ts': 55, // 70 before the one-month requests were grouped by year
  'test/e2e/faults.test.ts': 62,
  'test/api/home-care.test.ts': 55,
  'test/e2e/model-api.test.ts': 45,
  'test/workflow/discharge.test.ts': 32,
  'test/e2e/start.test.ts': 30,
  'test/api/access-matrix.test.ts': 28,
  'test/workflow/model-workflows.test.ts': 27,
  'test/api/discharge.test.ts': 23,
  'test/replay/replay.test.ts': 20,
  'test/workflow/discharge-rules.test.ts': 18,
  'test/api/fuzz.test.ts': 18,
  'test/unit/indicators-issue16.test.ts': 17,
  'test/unit/ledger.test.ts': 17,
  'test/unit/indicators-ledger.test.ts': 15,
  'test/e2e/privacy.test.ts': 15,
  'test/workflow/worker-cache.test.ts': 15,
  'test/workflow/back-registration.test.ts': 15,
  'test/api/security.test.ts': 15,
  'test/unit/billing-ledger-ready.test.ts': 14,
  'test/unit/billing-issue16-ledger.test.ts': 14,
  'test/workflow/discharge-calendar.test.ts': 14,
  'test/api/admin.test.ts': 13,
  'test/e2e/web-oidc.test.ts': 13,
  'test/workflow/escalation-delivery.test.ts': 12,
  'test/workflow/monthly-close-alerts.test.ts': 12,
  'test/workflow/home-visit.test.ts': 12,
  'test/api/issue16-states.test.ts': 11,
};

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const expected = (test) => {
      const cached = this.time(test); // ms, from jest's cache of the last run
      if (cached != null) return cached / 1000;
      const relative = test.path.slice(test.context.config.rootDir.length + 1).split('\\').join('/');
      return KNOWN_SECONDS[relative];
    };
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => ({ test, seconds: expected(test), size: size(test) }));
    keyed.sort((a, b) => {
      if (this.hasFailed(a.test) !== this.hasFailed(b.test)) return this.hasFailed(a.test) ? -1 : 1;
      if ((a.seconds == null) !== (b.seconds == null)) return a.seconds == null ? 1 : -1;
      if (a.seconds != null && b.seconds != null && a.seconds !== b.seconds) return b.seconds - a.seconds;
      return b.size - a.size;
    });
    return keyed.map((k) => k.test);
  }
}

module.exports = LongestFirstSequencer;
