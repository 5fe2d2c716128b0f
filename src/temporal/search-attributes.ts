/**
 * Search attributes the workflows set, so that an administrator can find a process in the
 * Temporal Web UI. None of them carries patient data (DOMAIN.md §2: no personnummer in
 * search attributes); the patient is reachable only through the opaque episode id.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const SA = {
  /** Region running the process, e.g. 'halland'. */
  region: defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD),
  /** SCB kommunkod of the patient's residence municipality. */
  municipalityCode: defineSearchAttributeKey('MunicipalityCode', SearchAttributeType.KEYWORD),
  /** HSA-id of the inpatient unit. */
  inpatientUnit: defineSearchAttributeKey('InpatientUnit', SearchAttributeType.KEYWORD),
  /** Process status, e.g. 'admitted', 'readyForDischarge', 'discharged'. */
  processStatus: defineSearchAttributeKey('ProcessStatus', SearchAttributeType.KEYWORD),
  psychiatric: defineSearchAttributeKey('Psychiatric', SearchAttributeType.BOOL),
  /** When the patient was last marked utskrivningsklar (unset while not ready). */
  readySince: defineSearchAttributeKey('ReadySince', SearchAttributeType.DATETIME),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Every search attribute with its indexed type, as AddSearchAttributes takes them. */
export function searchAttributeTypes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED[k.type]]));
}

/**
 * Registers the search attributes that are missing (idempotent: a restart registers nothing).
 * Fails with a clear message when one exists with another type, since workflows would then
 * fail to upsert it at run time (cf. reference-app-orders-go temporalutil/attribute_check.go).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.systemAttributes, ...existing.customAttributes };
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const want = INDEXED[key.type];
    const have = known[key.name];
    if (have === undefined || have === null) missing[key.name] = want;
    else if (have !== want) {
      throw new Error(
        `Search attribute ${key.name} exists in namespace ${namespace} with type ${temporal.api.enums.v1.IndexedValueType[have]}, expected ${temporal.api.enums.v1.IndexedValueType[want]}`,
      );
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}
