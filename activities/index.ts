/** Every activity the worker registers, built from the dependencies they share. */
import type { CalendarOptions } from '../src/domain/calendar';
import type { LedgerStore } from '../src/db/ledger';
import { createBillingActivities } from './billing';
import { createCalendarActivities } from './calendar';
import { createHomeCareActivities } from './homecare';
import { createLedgerActivities } from './ledger';

export interface ActivityDeps {
  ledger: LedgerStore;
  calendar: CalendarOptions;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarActivities(deps.calendar),
    ...createLedgerActivities(deps.ledger),
    ...createBillingActivities(deps.ledger),
    ...createHomeCareActivities(deps.ledger),
  };
}

export type Activities = ReturnType<typeof createActivities>;
