/**
 * The episode ledger's tables as Kysely sees them (docs/domain.md §8). Column names are the SQL
 * names (snake_case) so that billing and indicator queries read like the schema they run on.
 *
 * Shapes, the same on PGlite and PostgreSQL (type parsers set in `ledger.ts`):
 * - `timestamptz` columns come back as ISO-8601 UTC strings (`Instant`);
 * - `date` columns come back as 'YYYY-MM-DD' strings (`LocalDate`, a Europe/Stockholm date);
 * - `bigint` (e.g. `count(*)`) comes back as a JS number.
 *
 * `messages`, `obligations` and `deviations` are keyed by (process_type, process_id) rather
 * than by episode, because the same acknowledgement/deviation machinery serves discharge
 * episodes, home-care enrollments and single home visits (docs/architecture.md "The domain is pure
 * and shared"); a discharge episode writes them with process_type 'discharge' and its episode id.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { ProcessType } from '../domain/process';

/** ISO-8601 instant; written with an explicit offset, read back in UTC ('…Z'). */
export type Instant = string;
/** 'YYYY-MM-DD', a calendar date in Europe/Stockholm. */
export type LocalDate = string;

/** Set by the database on insert (`default now()`); never written by the caller. */
type CreatedAt = ColumnType<Instant, never, never>;
/** Set by the database on insert; the upsert sets it to `now()` on update. */
type UpdatedAt = ColumnType<Instant, never, Instant>;


export interface EpisodesTable {
  /** opaque id, never a personnummer (docs/architecture.md "One workflow per process instance") */
  episode_id: string;
  /** the workflow's own counter of state changes; writes with a lower or equal one are stale */
  version: number;
  region: string;
  /** kommunkod (SCB, 4 digits) of the municipality where the patient is registered */
  residence_municipality: string;
  inpatient_unit_hsa: string;
  primary_care_unit_hsa: string | null;
  psychiatric_outpatient_unit_hsa: string | null;
  hospital: string | null;
  psychiatric: boolean;
  /** psychiatric form of care, stated in the planning-needed message (001 §6.1 step 4) */
  form_of_care: string | null;
  /** patient registered in another county (001 §5.8) */
  out_of_county: boolean;
  /** stable pseudonym of the patient; NEVER a personnummer (see `EpisodeProjection.patientRef`) */
  patient_ref: string;
  /** age in whole years on the admission date; indicators split at 65 (docs/domain.md §9) */
  age_at_admission: number | null;
  status: string;
  admitted_at: Instant;
  admission_notice_sent_at: Instant | null;
  expected_ready_date: LocalDate | null;
  /** the final ready date of the current (last) ready period */
  ready_date: LocalDate | null;
  discharged_at: Instant | null;
  /** local date of discharge; the billing month is the month of this date (docs/domain.md §7) */
  discharge_date: LocalDate | null;
  cancelled_at: Instant | null;
  cancellation_reason: string | null;
  consent: string | null;
  planning_flow: string | null;
  needs_category: string | null;
  named_care_contact_at: Instant | null;
  named_doctor_at: Instant | null;
  invitation_sent_at: Instant | null;
  sip_created_at: Instant | null;
  sip_completed_at: Instant | null;
  treatment_plan_at: Instant | null;
  /** halland-2027 checkpoint: date of the planning basis */
  planning_basis_date: LocalDate | null;
  /** law-2017-612: no liability when region-funded outpatient services were unavailable */
  outpatient_services_unavailable: boolean;
  /** something in this episode was registered during a declared downtime (001 §4) */
  downtime: boolean;
  /** migration 0005: the ready-to-go-home checklist (hemgångsklar, 001 §6.1 step 8) is complete */
  checklist_complete: ColumnType<boolean, boolean | undefined, boolean>;
  /** migration 0007: 'acute' | 'planned' (akut / planerad inskrivning); null when not stated */
  admission_type: string | null;
  /** migration 0007: when every party but inpatient care had acknowledged the SIP (kvitterad) */
  sip_acknowledged_at: Instant | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface EpisodeReadyPeriodsTable {
  episode_id: string;
  /** 1-based order of the ready periods within the episode */
  seq: number;
  ready_date: LocalDate;
  /** discharge date or withdrawal date; null while the period is open */
  ended_date: LocalDate | null;
  end_reason: string | null;
  withdrawal_reason: string | null;
}

/** One row per message version sent (a re-sent admission notice is a new message id). */
export interface MessagesTable {
  process_type: ProcessType;
  process_id: string;
  message_id: string;
  type: string;
  version: number;
  sender_kind: string;
  /** HSA-id of the sending unit, or kommunkod for a municipality */
  sender_id: string;
  /** when the message was really sent (`occurredAt`; may precede recorded_at after downtime) */
  sent_at: Instant;
  recorded_at: Instant;
}

/** Something a party must do by a deadline; most are acknowledgements of a message. */
export interface ObligationsTable {
  process_type: ProcessType;
  process_id: string;
  obligation_id: string;
  /** 'acknowledge', 'sendAdmissionNotice', 'appointNamedCareContact', … */
  kind: string;
  message_id: string | null;
  responsible_kind: string;
  responsible_id: string;
  due_at: Instant;
  /** when the party acted (its real time) */
  met_at: Instant | null;
  status: string;
  deviation_type: string;
  deviation_id: string | null;
  /** migration 0005: kommunkod of the process's municipality (worklist filter) */
  municipality: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DeviationsTable {
  /** globally unique (the workflow generates it); the API finds the process from it */
  deviation_id: string;
  process_type: ProcessType;
  process_id: string;
  region: string;
  /** kommunkod of the patient's municipality, for the monthly report by municipality (§6) */
  municipality: string;
  type: string;
  responsible_kind: string;
  responsible_id: string;
  description: string;
  obligation_id: string | null;
  deadline_at: Instant;
  detected_at: Instant;
  status: string;
  resolved_at: Instant | null;
  closed_at: Instant | null;
  closed_by: string | null;
  comment: string | null;
  /** inside a declared downtime window: excluded from the responsible party's figures (§6) */
  downtime: boolean;
  escalation: string;
  reported_by: string | null;
  /** migration 0005 (§6 coordinators): escalated, taken on, reassigned, commented, closed how */
  escalated_at: ColumnType<Instant | null, Instant | null | undefined, Instant | null>;
  escalation_acknowledged_at: ColumnType<Instant | null, Instant | null | undefined, Instant | null>;
  escalation_acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** the unit handling it: the responsible one unless a coordinator reassigned it */
  assigned_kind: ColumnType<string | null, string | null | undefined, string | null>;
  assigned_id: ColumnType<string | null, string | null | undefined, string | null>;
  resolution: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of { at, by, text } */
  comments: ColumnType<unknown, string | null | undefined, string | null>;
  /** migration 0009: status 'withdrawn' since (docs/domain.md §4 Downtime) */
  withdrawn_at: ColumnType<Instant | null, Instant | null | undefined, Instant | null>;
}

/** A declared downtime of the shared IT system (driftstopp, 001 §4). */
export interface DowntimeWindowsTable {
  window_id: string;
  region: string;
  starts_at: Instant;
  ends_at: Instant;
  reason: string;
  declared_by: string | null;
  declared_at: CreatedAt;
}

/** A reminder to a unit or an escalation to coordinators (§6 ladder); one row per notification id. */
export interface NotificationsTable {
  notification_id: string;
  process_type: ProcessType;
  process_id: string;
  region: string;
  deviation_id: string;
  deviation_type: string;
  kind: 'reminder' | 'escalation' | 'withdrawal';
  recipient_kind: string;
  recipient_id: string;
  created_at: Instant;
  delivered_at: Instant | null;
}

/** One delivery of a notification to one recipient on one channel (§6); delivered rows are never re-sent. */
export interface NotificationDeliveriesTable {
  notification_id: string;
  recipient_key: string;
  address: string;
  channel: 'email' | 'webhook';
  status: 'pending' | 'delivered' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  delivered_at: Instant | null;
  created_at: CreatedAt;
}

// ---- home health care and single home visits (docs/domain.md §5; written by src/db/process-ledger.ts) ----

export interface HomeCareEnrollmentsTable {
  /** opaque, never a personnummer */
  enrollment_id: string;
  version: number;
  region: string;
  /** kommunkod: patients per municipality (§9) */
  residence_municipality: string;
  primary_care_unit_hsa: string;
  patient_ref: string;
  /** indicators split under/over 65 (§9) */
  age_at_start: number | null;
  initiated_by: string;
  discharge_episode_id: string | null;
  /** planning | enrolled | ending | ended | notEnrolled */
  status: string;
  started_at: Instant;
  invitation_sent_at: Instant | null;
  named_care_contact_at: Instant | null;
  named_doctor_at: Instant | null;
  planning_meeting_at: Instant | null;
  sip_created_at: Instant | null;
  sip_closed_at: Instant | null;
  decision: string | null;
  decision_reason: string | null;
  decided_at: Instant | null;
  /** "new" in a month (§9) */
  enrolled_at: Instant | null;
  /** "ended" in a month (§9) */
  ended_at: Instant | null;
  end_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface HomeVisitOrdersTable {
  order_id: string;
  version: number;
  region: string;
  residence_municipality: string;
  primary_care_unit_hsa: string;
  patient_ref: string;
  age_at_order: number | null;
  /** ordered | accepted | declined | cancelled | completed | expired */
  status: string;
  ordered_at: Instant;
  start_date: LocalDate;
  end_date: LocalDate;
  /** the ordered interventions, JSON array */
  interventions: string;
  answer: string | null;
  answered_at: Instant | null;
  decline_reason: string | null;
  cancelled_at: Instant | null;
  visits_reported: number;
  last_visit_date: LocalDate | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Every timeline entry of a long-lived process (the workflow keeps only the newest). */
export interface ProcessTimelineTable {
  process_type: ProcessType;
  process_id: string;
  seq: number;
  action: string;
  occurred_at: Instant;
  recorded_at: Instant;
  actor_user_id: string | null;
  actor_organisation: string | null;
  summary: string;
  message_id: string | null;
  deviation_id: string | null;
}

// ---- billing (docs/domain.md §7; written by src/db/billing.ts) -----------------------------------

export interface BillingDailyAmountsTable { year: number; amount_ore: number; source: string; set_by: string | null; set_at: Generated<Instant> }
export interface BillingNationalAveragesTable { year: number; hundredths: number; source: string; set_by: string | null; set_at: Generated<Instant> }
export interface BillingClosesTable {
  close_id: string;
  region: string;
  month: string;
  rule_set_id: string;
  rule_set: unknown;
  daily_amount_ore: number | null;
  context: unknown;
  status: 'review' | 'final';
  episode_count: number;
  frozen_at: Generated<Instant>;
  finalised_at: Instant | null;
}
export interface BillingBasesTable {
  close_id: string;
  municipality: string;
  line_count: number;
  total_ore: number;
  /** JSON text of BillingEpisode[] (read with ::text and parsed here, the same on both drivers) */
  episodes: string;
}
export interface BillingInvoicesTable {
  invoice_id: string;
  close_id: string;
  region: string;
  month: string;
  municipality: string;
  rule_set_id: string;
  daily_amount_ore: number | null;
  total_ore: number;
  totals: unknown;
  finalised_at: Instant;
}
export interface BillingInvoiceLinesTable { invoice_id: string; line_no: number; kind: string; line_ref: string | null; description: string; day_hundredths: number; amount_ore: number }
export interface BillingFlagsTable {
  flag_id: string;
  close_id: string;
  municipality: string;
  line_ref: string;
  reason: string;
  text: string | null;
  status: string;
  dispute_level: string | null;
  raised_by: string | null;
  raised_at: Instant;
  decided_by: string | null;
  decided_at: Instant | null;
  decision_note: string | null;
}
export interface BillingNotesTable { note_id: string; invoice_id: string; kind: 'credit' | 'debit'; amount_ore: number; reason: string; line_refs: unknown; created_by: string | null; created_at: Generated<Instant> }

/** The monthly close's alerts (migration 0010; written by src/db/billing-alerts.ts). */
export interface BillingAlertsTable {
  alert_id: string;
  region: string;
  month: string;
  close_id: string;
  run_id: string;
  kind: string;
  step: string;
  code: string;
  message: string;
  /** JSON array of episode ids */
  episode_ids: string;
  created_at: Instant;
  recorded_at: Generated<Instant>;
}

/** Kysely's own bookkeeping tables are not part of this interface on purpose. */
/** A process's view as staff see it, as its projection last wrote it (migration 0012, issue 21). */
export interface ProcessViewsTable {
  process_type: ProcessType;
  process_id: string;
  version: number;
  /** JSON text on the way in; the drivers parse it on the way out */
  view: ColumnType<unknown, string, string>;
  projected_at: Generated<Instant>;
}

/** The answer of a write no workflow records, under its Idempotency-Key (migration 0013). */
export interface IdempotentRequestsTable {
  /** `<operation>:<organisation>:<key>` */
  scope: string;
  request_hash: string;
  claimed_at: Generated<Instant>;
  /** null while the first request with the key runs */
  status: number | null;
  /** JSON text on the way in; the drivers parse it on the way out */
  response: ColumnType<unknown, string | null, string | null>;
  answered_at: Instant | null;
}

export interface Database {
  downtime_windows: DowntimeWindowsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  episodes: EpisodesTable;
  episode_ready_periods: EpisodeReadyPeriodsTable;
  messages: MessagesTable;
  obligations: ObligationsTable;
  deviations: DeviationsTable;
  home_care_enrollments: HomeCareEnrollmentsTable;
  home_visit_orders: HomeVisitOrdersTable;
  process_timeline: ProcessTimelineTable;
  process_views: ProcessViewsTable;
  idempotent_requests: IdempotentRequestsTable;
  billing_daily_amounts: BillingDailyAmountsTable;
  billing_national_averages: BillingNationalAveragesTable;
  billing_closes: BillingClosesTable;
  billing_bases: BillingBasesTable;
  billing_invoices: BillingInvoicesTable;
  billing_invoice_lines: BillingInvoiceLinesTable;
  billing_flags: BillingFlagsTable;
  billing_notes: BillingNotesTable;
  billing_alerts: BillingAlertsTable;
}

export type EnrollmentRow = Selectable<HomeCareEnrollmentsTable>;
export type VisitOrderRow = Selectable<HomeVisitOrdersTable>;
