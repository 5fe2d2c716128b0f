/**
 * Deadlines are computed here, in an activity, so the instant is recorded in workflow history:
 * a later update of the holiday data can never change the replay of a running process
 * (docs/domain.md §3, last paragraph). Workflows call these as local activities (one marker event).
 */
import { admissionNoticeAfterFirstRound, computeDeadline, isWeekday, nonWeekdayReason, type CalendarOptions, type DeadlineRule } from '../src/domain/calendar';
import { escalationPolicy, type EscalationScope, type Grace } from '../src/domain/escalation';
import { addCalendarDays, endOfLocalDay, localDateOf, localTimeOf } from '../src/domain/local-date';
import type { Region } from '../src/domain/regions';

/** A Deadline as it travels through payloads (instants as ISO strings, not Date). */
export interface DeadlineDto {
  rule: DeadlineRule;
  /** UTC instant the deadline passes */
  at: string;
  /** the same instant with the Stockholm offset */
  iso: string;
  localDate: string;
  endOfDay: boolean;
  basis: string;
}

export type DeadlineRequest = (
  | { rule: DeadlineRule; from: string }
  /** the admission notice, with the first medical round assumed when 24 h end on a non-weekday (001 §6.1 step 2) */
  | { rule: 'admissionNoticeAfterFirstRound'; from: string }
  /** end of the local day `days` calendar days after `fromDate` (e.g. 004 §4.1: invitation within 3 days of ready) */
  | { rule: 'calendarDays'; fromDate: string; days: number }
) & EscalationScope;

export type { EscalationScope, Grace } from '../src/domain/escalation';

export interface ObligationDeadline {
  dueAt: string;
  dueLocalDate: string;
  /** when a deviation raised at dueAt goes to the coordinators if still open (§6 ladder) */
  escalateAt: string;
  /** when the unit is reminded, only when a reminder period is configured (else: at dueAt) */
  remindAt?: string;
  basis: string;
  /**
   * Back-registration (docs/domain.md §4 Downtime): the deadline had already passed at registration,
   * so the obligation is judged at the end of the region's grace period instead; `escalateAt`
   * and `remindAt` then count from this instant, not from the deadline.
   */
  judgeAt?: string;
}

/** The ladder of an obligation judged at the end of a grace period (docs/domain.md §4 Downtime). */
export interface GraceRequest extends EscalationScope {
  /** when the system learned of it, or the end of the downtime window its deadline fell in */
  from: string;
}



export function createCalendarActivities(options: CalendarOptions, regions: Region[] = []) {
  // the reminder, escalation and grace policy is the domain's (src/domain/escalation.ts); here it is applied
  const policy = escalationPolicy(regions);
  const { escalationWeekdaysFor, graceWeekdaysFor, ladderFrom, weekdaysAfter } = policy;
  const graceOf = (r: GraceRequest, escalationWeekdays: number): Grace => policy.graceOf(r.from, r, escalationWeekdays);

  return {
    async computeDeadline(rule: DeadlineRule, atIso: string): Promise<DeadlineDto> {
      const d = computeDeadline(rule, new Date(atIso), options);
      return { rule: d.rule, at: d.at.toISOString(), iso: d.iso, localDate: d.localDate, endOfDay: d.endOfDay, basis: d.basis };
    },

    /**
     * The deadlines of the obligations one message creates, with their escalation instants.
     * With `registeredAt` (processes started since back-registration was fixed), a deadline
     * already past at registration gets a grace period (`judgeAt`, docs/domain.md §4 Downtime).
     */
    async obligationDeadlines(requests: DeadlineRequest[], escalationWeekdays: number, registeredAt?: string): Promise<ObligationDeadline[]> {
      return requests.map((r) => {
        let at: Date;
        let localDate: string;
        let basis: string;
        if (r.rule === 'calendarDays') {
          localDate = addCalendarDays(r.fromDate, r.days);
          at = endOfLocalDay(localDate);
          basis = `end of the day ${r.days} days after ${r.fromDate}`;
        } else if (r.rule === 'admissionNoticeAfterFirstRound') {
          const d = admissionNoticeAfterFirstRound(new Date(r.from));
          at = d.at;
          localDate = d.localDate;
          basis = d.basis;
        } else {
          const d = computeDeadline(r.rule, new Date(r.from), options);
          at = d.at;
          localDate = d.localDate;
          basis = d.basis;
        }
        const due = { dueAt: at.toISOString(), dueLocalDate: localDate, basis };
        // a region may set no grace period (graceWeekdays 0): judged at once, the ladder from the deadline
        if (registeredAt && at.getTime() <= Date.parse(registeredAt) && graceWeekdaysFor(r) > 0) return { ...due, ...graceOf({ ...r, from: registeredAt }, escalationWeekdays) };
        return { ...due, ...ladderFrom(at, r, escalationWeekdays) };
      });
    },

    /** Grace periods of obligations whose deadline fell inside a declared downtime window (docs/domain.md §4). */
    async graceDeadlines(requests: GraceRequest[], escalationWeekdays: number): Promise<Grace[]> {
      // no grace period (graceWeekdays 0): judged when the window ends
      return requests.map((r) => (graceWeekdaysFor(r) > 0 ? graceOf(r, escalationWeekdays) : { judgeAt: r.from, ...ladderFrom(new Date(r.from), r, escalationWeekdays) }));
    },

    /**
     * 001 §5: planning meetings are held on weekdays, daytime (decision: 08:00–17:00 local). A
     * meeting at another time is accepted; this is the warning that goes with the answer.
     */
    async meetingTimeWarning(meetingAtIso: string): Promise<string | undefined> {
      const { date: day, hour, minute, time } = localTimeOf(new Date(meetingAtIso));
      const minutes = hour * 60 + minute;
      if (!isWeekday(day)) return `The meeting (${day} ${time}) is not on a weekday (${nonWeekdayReason(day)}); planning is held on weekdays, daytime (001 §5).`;
      if (minutes < 8 * 60 || minutes > 17 * 60) return `The meeting (${day} ${time}) is outside daytime (08:00–17:00); planning is held on weekdays, daytime (001 §5).`;
      return undefined;
    },

    /** The Europe/Stockholm date of an instant (the workflow sandbox has no time-zone data). */
    async localDateOf(atIso: string): Promise<string> {
      return localDateOf(new Date(atIso));
    },

    /** Escalation instant for a deviation reported by hand at `atIso`. */
    async escalationAt(atIso: string, escalationWeekdays: number, scope: EscalationScope = {}): Promise<string> {
      return weekdaysAfter(new Date(atIso), escalationWeekdaysFor(scope, escalationWeekdays));
    },
  };
}
