/**
 * A region's setting for when the municipality acknowledges a home care planning invitation
 * (docs/domain.md §5; `process.homeCareInvitationAck` in REGIONS_FILE): with `invitation`, the
 * API's enrollments follow the 14:00 rule of the discharge planning invitation (001 §6.1 step 6a)
 * instead of the general acknowledgement deadline. Real dev server, worker and PGlite ledger.
 */
import { acknowledgementDeadline, invitationDeadline } from '../../src/domain/calendar';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { UNITS, useApi } from '../helpers/api';

const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
const gavleborg = DEFAULT_REGIONS.find((r) => r.id === 'gavleborg')!;
const ctx = useApi(() => ({ regions: [halland, { ...gavleborg, process: { ...gavleborg.process, homeCareInvitationAck: 'invitation' as const } }] }));

it("a region set to the 14:00 rule: an invitation sent on a Tuesday at 15:00 is acknowledged by Thursday's end, not Wednesday's", async () => {
  const startedAt = '2026-12-01T09:00:00+01:00'; // Tuesday
  const sentAt = '2026-12-01T15:00:00+01:00'; // after 14:00: received on Wednesday
  const start = await ctx.api.post('/api/home-care/enrollments', {
    region: 'gavleborg', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '2180', primaryCareUnit: UNITS.primaryCare, consent: 'given', startedAt,
  });
  expect(start.status).toBe(201);
  const id = start.body.enrollmentId as string;
  const r = await ctx.api.post(`/api/home-care/enrollments/${id}/invitations`, { meetingAt: '2026-12-08T10:00:00+01:00', location: 'home', occurredAt: sentAt });
  expect(r.status).toBe(200);
  const invitationRule = invitationDeadline(new Date(sentAt), { invitationCutoff: '14:00' }).at.toISOString();
  const generalRule = acknowledgementDeadline(new Date(sentAt)).at.toISOString();
  expect(invitationRule).not.toBe(generalRule); // the two rules differ for this instant
  const ack = (r.body.obligations as Array<{ kind: string; dueAt: string }>).find((o) => o.kind === 'acknowledge');
  expect(ack?.dueAt).toBe(invitationRule);
  expect((await ctx.api.post(`/api/home-care/enrollments/${id}/move`, {})).status).toBe(200);
});
