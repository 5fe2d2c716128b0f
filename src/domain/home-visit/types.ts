/**
 * Single home visits (enstaka hembesök): the data of the order process of docs/domain.md §5
 * (source 001 §7.3–§7.4). Its messages and settings are home health care's
 * (src/domain/home-care/types.ts). Names follow the glossary (§2).
 */
import type { Actor, TimelineEntry } from '../process';
import type { Tracking } from '../obligations';
import type { HomeCareMessage, ProcessSettings } from '../home-care/types';

export type VisitOrderStatus =
  | 'ordered' // waiting for the municipality to accept or decline
  | 'accepted'
  | 'declined'
  | 'cancelled'
  | 'completed' // the end date has passed
  | 'expired'; // the end date passed without an answer

export interface StartVisitOrderInput {
  /** hash of the starting request when it had an Idempotency-Key: a reused key with another body is told apart (422) */
  requestHash?: string;
  orderId: string;
  region: string;
  patientRef: string;
  patientAgeAtOrder?: number;
  residenceMunicipality: string;
  primaryCareUnit: string;
  /** the ordered interventions (ordinerade insatser); the municipality performs only these */
  interventions: string[];
  startDate: string;
  endDate: string;
  orderedAt: string;
  actor?: Actor;
  settings: Pick<ProcessSettings, 'escalationWeekdays'>;
}

export interface PerformedVisit {
  visitId: string;
  /** the local date of the visit */
  performedOn: string;
  reportedAt: string;
  interventions: string[];
  messageId: string;
}

export interface VisitOrderState {
  orderId: string;
  input: StartVisitOrderInput;
  status: VisitOrderStatus;
  version: number;
  orderMessageId: string;
  /** end of the local end date: the order ends here (001 §7.3 "identifierbart start- och slutdatum") */
  endsAt: string;
  answer?: { answer: 'accepted' | 'declined'; reason?: string; at: string };
  cancellation?: { reason: string; at: string };
  visits: PerformedVisit[];
  messages: HomeCareMessage[];
  tracking: Tracking;
  timeline: TimelineEntry[];
}
