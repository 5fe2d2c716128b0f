/**
 * Response bodies of the reports: the monthly indicator report and the auditors' access log
 * (issue 17), each checked against the server's type (./views.ts `describes`).
 */
import { z } from 'zod';
import type { PublishedReport } from '../../domain/indicator-report';
import type { AccessLogEntry } from '../../db/access-log';
import { describes } from './views';

/** A block of figures; any count or share resting on too few is null (suppressed, `suppressed` names it). */
const Figures = z.record(z.string(), z.unknown());

const Group = z.object({
  key: z.string().meta({ description: 'kommunkod, hospital, unit (HSA-id) or health centre; `region` for the total' }),
  name: z.string(),
  suppressed: z.array(z.string()).meta({ description: 'the figures (dotted paths, e.g. `readyDays.average`) set to null because they rest on too few' }),
  admissions: Figures,
  readyDays: Figures,
  admissionNoticeWithin24h: Figures,
  namedCareContact: Figures,
  invitationWithinDays: Figures,
  sipDeclined: z.number().nullable(),
  sipsEstablished: z.number().nullable(),
  sipsCompleted: z.number().nullable(),
  sipsAcknowledged: z.number().nullable(),
  readmission30Days: Figures,
  needsBeforeDischarge: Figures,
  lengthOfStay: Figures,
  deviations: Figures,
  homeCare: Figures.nullable(),
  payment: Figures.nullable(),
});

export const IndicatorReportBody = describes<PublishedReport>()(
  z
    .object({
      region: z.string(),
      regionName: z.string(),
      month: z.string(),
      window: z.enum(['month', 'rolling12']),
      period: z.object({ from: z.string(), toExclusive: z.string() }),
      groupBy: z.enum(['municipality', 'hospital', 'unit', 'healthCentre']),
      care: z.enum(['all', 'psychiatric', 'somatic']),
      benchmark: z.object({ days: z.number().nullable(), ruleSetId: z.string(), note: z.string().nullable() }),
      invitationDays: z.number().int(),
      total: Group,
      groups: z.array(Group),
      notComputable: z.array(z.object({ indicator: z.string(), reason: z.string() })),
      suppression: z.object({ threshold: z.number().int(), rule: z.string() }),
    })
    .meta({ id: 'IndicatorReport' }),
);

export const IndicatorRegionsBody = z
  .object({
    regions: z.array(z.object({ id: z.string(), name: z.string(), municipalities: z.array(z.object({ code: z.string(), name: z.string() })) })),
  })
  .meta({ id: 'IndicatorRegions' });

const AccessLogEntryView = describes<AccessLogEntry>()(
  z
    .object({
      entryId: z.string(),
      at: z.string(),
      userId: z.string(),
      role: z.string(),
      organisation: z.string(),
      region: z.string(),
      endpoint: z.string(),
      processType: z.string().nullable(),
      processId: z.string().nullable(),
      patientRefs: z.array(z.string()),
      purpose: z.string(),
      outcome: z.enum(['granted', 'refused']),
      refusal: z.string().nullable(),
    })
    .meta({ id: 'AccessLogEntry' }),
);

export const AccessLogBody = z
  .object({ entries: z.array(AccessLogEntryView), nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }) })
  .meta({ id: 'AccessLog' });

export const AccessLogSearchBody = z
  .object({ patientRef: z.string(), entries: z.array(AccessLogEntryView), nextCursor: z.string().nullable() })
  .meta({ id: 'AccessLogSearch' });
