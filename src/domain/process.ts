/** What every process records about who did what, and when (DOMAIN.md §4, §10). */

export interface Actor {
  /** staff member's user id (HSA-id of the person or a login name), never a patient */
  userId: string;
  /** HSA-id of the unit or kommunkod the person acts for */
  organisation: string;
}

export interface TimelineEntry {
  seq: number;
  action: string;
  /** when it really happened (back-registration may put it before recordedAt) */
  occurredAt: string;
  recordedAt: string;
  actor?: Actor;
  summary: string;
  messageId?: string;
  deviationId?: string;
}

