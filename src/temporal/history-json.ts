/**
 * History ⇄ JSON in the format of Temporal's own tools (`temporal workflow show --output json`,
 * the Web UI's download): proto3 JSON, enums as `EVENT_TYPE_…` names.
 *
 * Why not `historyToJSON` / `historyFromJSON` of @temporalio/common: in our install
 * @temporalio/common and @temporalio/proto each carry their own copy of protobufjs 8, and
 * protojson refuses a message type built by the other copy ("type must be a Type"). Using the
 * protojson of the copy that built the types (resolved from @temporalio/proto) works whatever
 * npm's layout is.
 */
import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;

const fromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = fromProto('protobufjs/ext/protojson') as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** A history as a JSON string, one event per line (diffs of regenerated fixtures stay readable). */
export function historyToJson(history: History): string {
  const json = protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as { events?: unknown[] };
  return `{"events":[\n${(json.events ?? []).map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

/** A history from its JSON (fields of newer servers are ignored, as the SDK does). */
export function historyFromJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('Not a workflow history: expected an object with an array of events');
  }
  const h = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!h) throw new TypeError('Not a workflow history');
  return h as History;
}
