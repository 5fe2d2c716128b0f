/**
 * The workspace's Swedish: DOMAIN.md's glossary terms for statuses, messages, obligations and
 * actions, and the Swedish sentence of each refusal code the API answers (409). The rule that
 * refuses is the server's (src/domain/discharge/actions.ts `refusal`); this is only its wording,
 * keyed by the code, so a disabled button and a 409 at a field say the same sentence. An unknown
 * code falls back to the API's own message.
 */

export const STATUS_SV: Record<string, string> = {
  admitted: 'Inskriven',
  readyForDischarge: 'Utskrivningsklar',
  discharged: 'Utskriven',
  cancelled: 'Avbruten vårdplanering',
};

export const MESSAGE_SV: Record<string, string> = {
  careRequest: 'Vårdbegäran',
  outOfEpisodeMessage: 'Meddelande utanför vårdtillfälle',
  admissionNotice: 'Inskrivningsmeddelande',
  planningNeeded: 'Generellt meddelande: samordnad planering behövs',
  planningInvitation: 'Kallelse till samordnad planering',
  invitationWithdrawn: 'Kallelse återtagen',
  invitationMoved: 'Kallelse flyttad',
  treatmentPlan: 'Behandlingsplan',
  planningBasis: 'Planeringsunderlag',
  readyForDischarge: 'Utskrivningsklar',
  readinessWithdrawn: 'Återtag av utskrivningsklar',
  dischargeNotice: 'Utskrivningsmeddelande',
  planningCancelled: 'Avbruten vårdplanering',
  // hemsjukvård and enstaka hembesök (src/domain/home-care/types.ts, src/domain/home-visit/types.ts)
  planningRequest: 'Begäran om samordnad planering inför hemsjukvård',
  generalMessage: 'Generellt meddelande',
  singleHomeVisitOrder: 'Beställning av enstaka hembesök',
  visitReport: 'Återkoppling av utfört hembesök',
};

/** An obligation's deadline in words: "<verb> senast <weekday> <day> <month>". */
export const OBLIGATION_VERB_SV: Record<string, string> = {
  acknowledge: 'kvitteras senast',
  sendAdmissionNotice: 'inskrivningsmeddelande skickas senast',
  appointNamedCareContact: 'fast vårdkontakt utses senast',
  sendInvitation: 'kallelse skickas senast',
  sendDischargeNotice: 'utskrivningsmeddelande skickas senast',
  answerOrder: 'besvaras senast',
};

export const PARTY_SV: Record<string, string> = {
  inpatient: 'Slutenvården',
  municipality: 'Kommunen',
  primaryCare: 'Primärvården (vårdcentral)',
  psychiatricOutpatient: 'Psykiatrisk öppenvård',
  emergencyDepartment: 'Akutmottagning',
};

export const PROCESS_SV: Record<string, string> = {
  discharge: 'Utskrivning',
  homeHealthCare: 'Hemsjukvård',
  singleHomeVisit: 'Enstaka hembesök',
};

/** What a deviation is, by its type (a manual report keeps the reporter's own words). */
export const DEVIATION_TYPE_SV: Record<string, string> = {
  ADMISSION_NOTICE_LATE: 'Inget inskrivningsmeddelande med preliminärt datum inom 24 timmar från inskrivningen',
  ACK_MISSING: 'Meddelandet kvitterades inte i tid',
  NAMED_CONTACT_MISSING: 'Ingen fast vårdkontakt utsedd i tid',
  NAMED_DOCTOR_MISSING: 'Utskriven till hemsjukvård utan fast läkarkontakt',
  INVITATION_LATE: 'Ingen kallelse till samordnad planering i tid',
  DISCHARGE_NOTICE_LATE: 'Utskrivningsmeddelandet skickades inte samma dag som utskrivningen',
  NOT_READY_TO_GO_HOME_AT_DISCHARGE: 'Utskriven innan patienten var hemgångsklar',
  ORDER_UNANSWERED: 'Beställningen besvarades inte i tid',
};
export const deviationSv = (d: { type: string; description: string }) => DEVIATION_TYPE_SV[d.type] ?? d.description;

export const DEVIATION_STATUS_SV: Record<string, string> = { open: 'Öppen', resolved: 'Åtgärdad', closed: 'Avslutad', withdrawn: 'Återkallad' };

/** The button of each action the episode page offers. */
export const ACTION_SV: Record<string, string> = {
  admissionNotice: 'Skicka inskrivningsmeddelande',
  acknowledge: 'Kvittera',
  appointNamedCareContact: 'Utse fast vårdkontakt',
  planningNeeded: 'Skicka generellt meddelande (samordnad planering behövs)',
  sendInvitation: 'Skicka kallelse till samordnad planering',
  recordPlanningMeeting: 'Registrera genomförd samordnad planering',
  recordSip: 'Registrera SIP',
  acknowledgeSip: 'Kvittera SIP',
  updateChecklist: 'Uppdatera hemgångsklar',
  recordTreatmentPlan: 'Registrera behandlingsplan',
  markReady: 'Markera utskrivningsklar',
  withdrawReadiness: 'Återta utskrivningsklar',
  discharge: 'Skriv ut patienten',
  sendDischargeNotice: 'Skicka utskrivningsmeddelande',
  cancel: 'Avbryt vårdplaneringen',
  reportDeviation: 'Rapportera avvikelse',
};

/** A timeline entry's action in Swedish (the workflow's own summary, in English, is the fallback). */
export const TIMELINE_SV: Record<string, string> = {
  admitted: 'Inskriven',
  admissionNotice: 'Inskrivningsmeddelande skickat',
  acknowledge: 'Meddelande kvitterat',
  appointNamedCareContact: 'Fast vårdkontakt utsedd',
  appointNamedDoctor: 'Fast läkarkontakt utsedd',
  planningNeeded: 'Generellt meddelande: samordnad planering behövs',
  sendInvitation: 'Kallelse skickad',
  withdrawInvitation: 'Kallelse återtagen',
  moveInvitation: 'Kallelse flyttad',
  recordPlanningMeeting: 'Samordnad planering genomförd',
  recordFirstMedicalRound: 'Första medicinska ronden',
  recordPlanningBasis: 'Planeringsunderlag',
  recordSip: 'SIP upprättad/uppdaterad',
  completeSip: 'SIP slutförd',
  acknowledgeSip: 'SIP kvitterad',
  updateChecklist: 'Hemgångsklar uppdaterad',
  recordTreatmentPlan: 'Behandlingsplan upprättad',
  markReady: 'Utskrivningsklar',
  withdrawReadiness: 'Utskrivningsklar återtagen',
  discharge: 'Utskriven',
  sendDischargeNotice: 'Utskrivningsmeddelande skickat',
  cancel: 'Vårdplaneringen avbruten',
  reportDeviation: 'Avvikelse rapporterad',
  closeDeviation: 'Avvikelse avslutad',
  deviationRaised: 'Avvikelse registrerad',
  deviationEscalated: 'Avvikelse eskalerad till samordnare',
  deviationWithdrawn: 'Avvikelse återkallad',
  acknowledgeEscalation: 'Samordnare har tagit eskaleringen',
  commentDeviation: 'Samordnaren kommenterade',
  reassignDeviation: 'Avvikelse överlämnad',
  resolveDeviation: 'Avvikelse avslutad av samordnare',
  careRequest: 'Vårdbegäran',
  outOfEpisodeMessage: 'Meddelande utanför vårdtillfälle',
  linkHomeCareEnrollment: 'Kopplad till inskrivning i hemsjukvård',
  setOutpatientServicesUnavailable: 'Öppenvårdsinsatser ej tillgängliga',
  // hemsjukvård and enstaka hembesök
  planningStarted: 'Samordnad planering inför hemsjukvård startad',
  dischargeEpisodeLinked: 'Kopplad till vårdtillfället',
  recordMedicationReview: 'Läkemedelsgenomgång genomförd',
  recordEndOfLifeConversation: 'Brytpunktssamtal genomfört',
  decideEnrollment: 'Beslut om inskrivning i hemsjukvård',
  updateSip: 'SIP uppdaterad',
  sendMessage: 'Generellt meddelande skickat',
  careNoLongerNeeded: 'Meddelande: behovet av hemsjukvård upphör',
  closeSip: 'SIP avslutad',
  recordDeath: 'Patienten har avlidit',
  recordMove: 'Patienten har flyttat',
  ordered: 'Enstaka hembesök beställt',
  accept: 'Uppdraget accepterat',
  decline: 'Uppdraget avböjt',
  reportVisit: 'Utfört hembesök återkopplat',
};

/** Dates (YYYY-MM-DD) and instants a refusal's English sentence names, in order. */
function datesIn(message: string): string[] {
  return message.match(/\d{4}-\d{2}-\d{2}(T[0-9:.]+Z|T[0-9:.+-]+)?/g) ?? [];
}

const REFUSAL_SV: Record<string, (d: string[]) => string> = {
  OCCURRED_IN_FUTURE: () => 'Tidpunkten för när detta hände ligger i framtiden.',
  OCCURRED_BEFORE_ADMISSION: (d) => `Detta kan inte ha hänt före inskrivningen (${d[0] ?? ''}).`,
  EPISODE_CANCELLED: () => 'Vårdplaneringen för vårdtillfället är avbruten; åtgärden går inte längre att göra.',
  EPISODE_DISCHARGED: () => 'Patienten är redan utskriven; åtgärden går inte längre att göra.',
  EPISODE_CLOSED: () => 'Vårdtillfället är avslutat; inget mer kan registreras på det.',
  NOT_A_PARTY: () => 'Enheten är inte part i vårdtillfället för denna åtgärd.',
  NO_RECIPIENTS: () => 'Meddelandet behöver minst en mottagare.',
  READY_DATE_BEFORE_ADMISSION: () => 'Datumet för utskrivningsklar kan inte ligga före inskrivningsdatumet.',
  ADMISSION_NOTICE_UNCHANGED: (d) => `Inskrivningsmeddelandet har redan det preliminära datumet ${d[0] ?? ''} för utskrivningsklar.`,
  UNKNOWN_MESSAGE: () => 'Det finns inget sådant meddelande i vårdtillfället.',
  NOT_A_RECIPIENT: () => 'Bara en mottagare av meddelandet kan kvittera det.',
  ALREADY_ACKNOWLEDGED: () => 'Meddelandet är redan kvitterat av enheten.',
  MESSAGE_WITHDRAWN: () => 'Meddelandet är återtaget och behöver inte kvitteras.',
  ACKNOWLEDGED_BEFORE_SENT: (d) => `Ett meddelande kan inte kvitteras innan det skickades (${d[0] ?? ''}).`,
  NOT_RESPONSIBLE: () => 'Det görs av primärvården, eller den psykiatriska öppenvården vid psykiatrisk slutenvård.',
  PLANNING_ALREADY_STARTED: () => 'Samordnad planering är redan begärd för vårdtillfället.',
  FORM_OF_CARE_REQUIRED: () => 'Vid psykiatrisk slutenvård ska vårdformen anges.',
  PLANNING_NOT_REQUESTED: () => 'Samordnad planering måste begäras (generellt meddelande) innan kallelse skickas.',
  CONSENT_DECLINED: () => 'Patienten har inte samtyckt: ingen samordnad planering eller SIP; varje part planerar sina egna insatser.',
  INVITATION_ALREADY_SENT: () => 'Ett planeringsmöte är redan bokat; flytta det eller återta kallelsen först.',
  MEETING_IN_PAST: () => 'Mötestiden måste ligga efter att kallelsen skickas.',
  NO_SUCH_INVITATION: () => 'Det finns inget bokat planeringsmöte att ändra.',
  MEETING_TIME_PASSED: () => 'Mötestiden har passerat: registrera mötet som genomfört i stället.',
  NOT_THE_SENDER: () => 'Bara enheten som skickade kallelsen kan återta den eller flytta mötet.',
  NOT_AVAILABLE: () => 'Vårdtillfället startade innan denna åtgärd fanns.',
  ALREADY_RECORDED: () => 'Det är redan registrerat.',
  ADMISSION_NOTICE_SENT: () => 'Inskrivningsmeddelandet är redan skickat; första medicinska ronden flyttar inte längre dess tidsgräns.',
  ADMISSION_NOTICE_ALREADY_LATE: () => 'Tidsgränsen för inskrivningsmeddelandet har passerat och avvikelsen är registrerad; en samordnare kan avsluta den.',
  DATE_BEFORE_ADMISSION: () => 'Planeringsunderlaget kan inte dateras före inskrivningen.',
  DATE_IN_FUTURE: (d) => `Planeringsunderlaget är daterat ${d[0] ?? ''}, efter dagen det registreras (${d[1] ?? ''}).`,
  NO_MEETING_BOOKED: () => 'Inget planeringsmöte är bokat: skicka en kallelse först.',
  SIP_COMPLETED: () => 'SIP:en är redan slutförd.',
  NO_SIP: () => 'Det finns ingen SIP.',
  ALREADY_READY: () => 'Patienten är redan utskrivningsklar.',
  TREATMENT_PLAN_REQUIRED: () => 'En behandlingsplan ska vara upprättad och tillgänglig för mottagande parter innan patienten kan bli utskrivningsklar.',
  READY_NOT_TODAY: (d) => `Enligt 2027 års överenskommelse markeras patienten utskrivningsklar först den dag hen kan gå hem: datumet ska vara ${d[0] ?? ''}, inte ${d[1] ?? ''}.`,
  READY_DATE_IN_FUTURE: (d) => `Datumet för utskrivningsklar, ${d[0] ?? ''}, ligger efter dagen meddelandet skickas (${d[1] ?? ''}); ett framtida datum hör hemma i inskrivningsmeddelandet som preliminärt datum.`,
  READY_DATE_BEFORE_WITHDRAWAL: (d) => `Datumet för utskrivningsklar kan inte ligga före ${d[0] ?? ''}, då förra utskrivningsklar återtogs.`,
  NOT_READY: () => 'Patienten är inte utskrivningsklar, så det finns inget att återta.',
  WITHDRAWAL_BEFORE_READY: (d) => `Återtaget kan inte dateras före datumet för utskrivningsklar, ${d[0] ?? ''}.`,
  WITHDRAWAL_DATE_IN_FUTURE: (d) => `Återtaget är daterat ${d[0] ?? ''}, efter dagen det skickas (${d[1] ?? ''}).`,
  NOT_DISCHARGED: () => 'Utskrivningsmeddelandet skickas när patienten lämnar sjukhuset: registrera utskrivningen först.',
  NOTICE_ALREADY_SENT: () => 'Utskrivningsmeddelandet är redan skickat.',
  UNKNOWN_DEVIATION: () => 'Det finns ingen sådan avvikelse i vårdtillfället.',
  NOT_ACCESSIBLE: () => 'Det finns inget sådant ärende bland dina.',
  ROLE_NOT_PERMITTED: () => 'Din roll får inte göra detta.',
  NOT_YOUR_UNIT: () => 'Du kan bara skriva in patienter på din egen enhet i din egen region.',
  IDEMPOTENCY_KEY_REUSED: () => 'Begäran skickades redan med annat innehåll; inget nytt registrerades.',
  RATE_LIMITED: () => 'För många förfrågningar; vänta en stund och försök igen.',
  // coordinators (src/domain/coordination.ts)
  DEVIATION_CLOSED: () => 'Avvikelsen är redan avslutad.',
  NOT_ESCALATED: () => 'Avvikelsen är inte eskalerad till samordnarna.',
  ESCALATION_ALREADY_ACKNOWLEDGED: () => 'Eskaleringen är redan tagen av en samordnare.',
  ALREADY_ASSIGNED: () => 'Avvikelsen ligger redan hos den enheten.',
  // the monthly close's review (src/domain/billing/review.ts)
  ALREADY_FLAGGED: () => 'Raden är redan flaggad.',
  BASIS_APPROVED: () => 'Underlaget är redan godkänt.',
  CLOSE_FINAL: () => 'Månaden är slutligt stängd; ändringar görs med kredit- eller debetnota.',
  FLAG_DECIDED: () => 'Flaggan är redan beslutad.',
  UNKNOWN_FLAG: () => 'Det finns ingen sådan flagga.',
  UNKNOWN_LINE: () => 'Det finns ingen sådan rad i underlaget.',
  TEXT_REQUIRED: () => 'Skriv en förklaring när skälet är Annat.',
  NOT_YOUR_MUNICIPALITY: () => 'Du granskar bara din egen kommuns underlag.',
  MONTH_NOT_ENDED: () => 'Månaden är inte slut än.',
  // hemsjukvård (src/domain/home-care/actions.ts) and enstaka hembesök (src/domain/home-visit/actions.ts)
  OCCURRED_BEFORE_START: (d) => `Detta kan inte ha hänt innan den samordnade planeringen startade (${d[0] ?? ''}).`,
  OCCURRED_BEFORE_ORDER: (d) => `Detta kan inte ha hänt innan beställningen skickades (${d[0] ?? ''}).`,
  NOT_ENROLLED: () => 'Patienten är inte inskriven i hemsjukvården.',
  ENROLLMENT_ENDED: () => 'Patienten är utskriven från hemsjukvården; åtgärden går inte längre att göra.',
  ALREADY_DECIDED: () => 'Kommunen har redan beslutat om inskrivning i hemsjukvård.',
  SIP_EXISTS: () => 'SIP:en är redan upprättad; uppdatera din del av den i stället.',
  NO_PLANNING_MEETING: () => 'SIP:en upprättas vid den samordnade planeringen: registrera mötet först.',
  DOCTOR_NOT_AT_LISTED_CENTRE: () => 'Den fasta läkarkontakten ska finnas på vårdcentralen där patienten är listad.',
  SIP_REQUIRED: () => 'En SIP med egenvårdsbedömning ska vara upprättad innan patienten skrivs in.',
  NAMED_DOCTOR_REQUIRED: () => 'En fast läkarkontakt på vårdcentralen ska vara utsedd innan patienten skrivs in.',
  REASON_REQUIRED: () => 'Ange skälet.',
  SIP_CLOSED: () => 'SIP:en är avslutad.',
  ALREADY_ENDING: () => 'Kommunen har redan meddelat att behovet av hemsjukvård upphör.',
  NOT_ENDING: () => 'SIP:en avslutas när kommunen har meddelat att behovet av hemsjukvård upphör.',
  ALREADY_ANSWERED: () => 'Kommunen har redan besvarat beställningen, eller den är avslutad.',
  NOT_ACCEPTED: () => 'Kommunen har inte accepterat beställningen.',
  NOT_ORDERED: () => 'Bara de beställda insatserna utförs.',
  OUTSIDE_ORDER_PERIOD: (d) => `Besöket ska ligga inom den beställda perioden ${d[0] ?? ''} – ${d[1] ?? ''}.`,
  ORDER_CLOSED: () => 'Beställningen är avslutad; den kan inte återkallas.',
  PROCESS_CLOSED: () => 'Ärendet är avslutat; inget mer kan registreras på det.',
  NOT_YOUR_PARTY: () => 'Du kan bara starta detta som en av parterna (din enhet eller kommun) i din egen region.',
};

/** The Swedish sentence of a refusal (its code and the API's message, whose dates it reuses). */
export function refusalSv(code: string, message: string): string {
  const t = REFUSAL_SV[code];
  return t ? t(datesIn(message)) : message;
}

/** Which form field a refusal concerns, per action (the rest are shown at the form). */
export const REFUSAL_FIELD: Record<string, string> = {
  READY_DATE_BEFORE_ADMISSION: 'date',
  READY_NOT_TODAY: 'date',
  READY_DATE_IN_FUTURE: 'date',
  READY_DATE_BEFORE_WITHDRAWAL: 'date',
  ADMISSION_NOTICE_UNCHANGED: 'date',
  WITHDRAWAL_BEFORE_READY: 'date',
  WITHDRAWAL_DATE_IN_FUTURE: 'date',
  DATE_IN_FUTURE: 'date',
  DATE_BEFORE_ADMISSION: 'date',
  MEETING_IN_PAST: 'meetingAt',
  FORM_OF_CARE_REQUIRED: 'formOfCare',
  OCCURRED_IN_FUTURE: 'occurredAt',
  OCCURRED_BEFORE_ADMISSION: 'occurredAt',
  REASON_REQUIRED: 'reason',
  DOCTOR_NOT_AT_LISTED_CENTRE: 'unit',
  SIP_REQUIRED: 'decision',
  NAMED_DOCTOR_REQUIRED: 'decision',
  OUTSIDE_ORDER_PERIOD: 'performedOn',
  NOT_ORDERED: 'interventions',
};
