/**
 * Search attributes the workflows set, so that an administrator can find a process in the
 * Temporal Web UI. None of them carries patient data (docs/domain.md §2: no personnummer in
 * search attributes); the patient is reachable only through the opaque episode id.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

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

type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/**
 * Temporal's IndexedValueType enum, loaded only when registering: every workflow imports this
 * module for `SA`, and the worker evaluates a workflow's imports again for each workflow it
 * creates: the proto package (its whole JSON descriptor) took about 50 ms of CPU per new
 * workflow in a profile of `npm run bench:discharge`.
 */
function indexedValueTypes(): typeof temporal.api.enums.v1.IndexedValueType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, on purpose (above)
  return (require('@temporalio/proto') as typeof import('@temporalio/proto')).temporal.api.enums.v1.IndexedValueType;
}

function indexed(type: SearchAttributeType): IndexedValueType {
  const t = indexedValueTypes();
  const byType: Record<SearchAttributeType, IndexedValueType> = {
    [SearchAttributeType.TEXT]: t.INDEXED_VALUE_TYPE_TEXT,
    [SearchAttributeType.KEYWORD]: t.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.INT]: t.INDEXED_VALUE_TYPE_INT,
    [SearchAttributeType.DOUBLE]: t.INDEXED_VALUE_TYPE_DOUBLE,
    [SearchAttributeType.BOOL]: t.INDEXED_VALUE_TYPE_BOOL,
    [SearchAttributeType.DATETIME]: t.INDEXED_VALUE_TYPE_DATETIME,
    [SearchAttributeType.KEYWORD_LIST]: t.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  return byType[type];
}

/** Every search attribute with its indexed type, as AddSearchAttributes takes them. */
export function searchAttributeTypes(): Record<string, IndexedValueType> {
  return Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, indexed(k.type)]));
}

/**
 * Registers the search attributes that are missing (idempotent: a restart registers nothing).
 * Fails with a clear message when one exists with another type, since workflows would then
 * fail to upsert it at run time (cf. reference-app-orders-go temporalutil/attribute_check.go).
 */
export async function ensureSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.systemAttributes, ...existing.customAttributes };
  const missing: Record<string, IndexedValueType> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const want = indexed(key.type);
    const have = known[key.name];
    if (have === undefined || have === null) missing[key.name] = want;
    else if (have !== want) {
      throw new Error(
        `Search attribute ${key.name} exists in namespace ${namespace} with type ${indexedValueTypes()[have]}, expected ${indexedValueTypes()[want]}`,
      );
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}
