/** Payment liability (betalningsansvar, docs/domain.md §7): the pure billing domain. */
export * from './types';
export * from './money';
export * from './engine';
export * from './rule-sets';
export * from './daily-amounts';
export * from './transitional-2018';
export * from './csv';
export * from './review';
export * from './errors';
export * from './readiness';
export * from './alerts';
