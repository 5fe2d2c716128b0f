/** Every activity the worker registers, built from the dependencies they share. */
import type { CalendarOptions } from '../src/domain/calendar';
import type { LedgerStore } from '../src/db/ledger';
import { createBillingActivities } from './billing';
import { createBillingAlertActivities } from './billing-alerts';
import { createCalendarActivities } from './calendar';
import { createDischargeActivities } from './discharge';
import { createHomeCareActivities } from './home-care';
import { createHomeVisitActivities } from './home-visit';
import { createLedgerActivities } from './ledger';
import { createNotificationActivities, type NotifyDeps } from './notifications';
import { DEFAULT_REGIONS } from '../src/domain/regions';

export interface ActivityDeps {
  ledger: LedgerStore;
  calendar: CalendarOptions;
  /** §6 channels and recipients; without it, notifications are recorded and nobody is configured to receive them */
  notify?: NotifyDeps;
}

export function createActivities(deps: ActivityDeps) {
  const notify = deps.notify ?? { regions: DEFAULT_REGIONS, from: 'utskrivning@localhost' };
  const billingAlerts = createBillingAlertActivities(deps.ledger, notify);
  return {
    ...createCalendarActivities(deps.calendar, deps.notify?.regions),
    ...createLedgerActivities(deps.ledger),
    ...createDischargeActivities(deps.ledger),
    ...createBillingActivities(deps.ledger, billingAlerts.billingAlert),
    ...billingAlerts,
    ...createHomeCareActivities(deps.ledger),
    ...createHomeVisitActivities(deps.ledger),
    ...createNotificationActivities(deps.ledger, notify),
  };
}

export type Activities = ReturnType<typeof createActivities>;
