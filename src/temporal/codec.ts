/**
 * Encryption of every Temporal payload (docs/domain.md §10, issue 7 "Patient data protection"):
 * workflow inputs, update arguments and results, activity inputs and outputs, query answers.
 * Workflow histories — also those an administrator downloads or replays — then hold no patient
 * data in clear; only the worker, the API and the codec endpoint hold the keys.
 *
 * AES-256-GCM, a fresh 96-bit IV per payload, the key id in the payload's metadata. Rotation:
 * put a new key first in PAYLOAD_KEYS and keep the old ones after it; new payloads use the first
 * key, old histories still decode with theirs. Payloads that were never encrypted (recorded
 * before encryption was switched on) pass through unchanged, so old histories keep replaying.
 *
 * Compression (issue 21, the cost of each episode): a payload is deflated before it is
 * encrypted — encrypted bytes do not compress, so it must happen here or nowhere. Every Update
 * answers with a JSON view of the process, and those views were three quarters of an episode's
 * history. The payload's metadata says so (`encryption-compression: deflate-raw`); payloads
 * without it were recorded before and decode as before.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const COMPRESSION_METADATA = 'encryption-compression';
const NULL_ENCODING = 'binary/null';
const DEFLATE = 'deflate-raw';
/** Below this a payload is encrypted as it is: deflate's gain would be a few bytes, its cost the same. */
const COMPRESS_FROM_BYTES = 256;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface PayloadKey {
  id: string;
  /** 32 bytes */
  key: Buffer;
}

export class PayloadKeyError extends Error {}

/**
 * PAYLOAD_KEYS: `id:base64key[,id:base64key…]`, the first one encrypts. Each key is 32 random
 * bytes in base64 (e.g. `openssl rand -base64 32`). Throws naming what is wrong.
 */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const keys = spec.split(',').map((s) => s.trim()).filter(Boolean).map((entry, i) => {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(id)) throw new PayloadKeyError(`key ${i + 1}: must be id:base64key with an id of letters, digits, '.', '_' or '-'`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new PayloadKeyError(`key ${id}: must be 32 bytes in base64 (AES-256), got ${key.length}`);
    return { id, key };
  });
  if (keys.length === 0) throw new PayloadKeyError('no key given');
  const dup = keys.find((k, i) => keys.findIndex((x) => x.id === k.id) !== i);
  if (dup) throw new PayloadKeyError(`key id ${dup.id} given twice`);
  return keys;
}

/** The key `npm start` and the tests use when PAYLOAD_KEYS is not set: fixed, public, for development only. */
export const DEVELOPMENT_PAYLOAD_KEYS = `dev-1:${createHash('sha256').update('utskrivning development payload key — never in production').digest('base64')}`;

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: PayloadKey[]) {
    if (keys.length === 0) throw new PayloadKeyError('no key given');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      // `undefined` (an activity or update that returns nothing) carries no data: nothing to hide, and
      // encrypting it cost about 35 bytes of key id, IV and tag in every such history event (issue 21)
      if (text(p.metadata?.[METADATA_ENCODING_KEY]) === NULL_ENCODING && !p.data?.length) return p;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const serialized = temporal.api.common.v1.Payload.encode(p).finish();
      const deflated = serialized.length >= COMPRESS_FROM_BYTES ? deflateRawSync(serialized) : undefined;
      const compressed = deflated !== undefined && deflated.length < serialized.length;
      const plain = compressed ? deflated : serialized;
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      const metadata: Record<string, Uint8Array> = { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) };
      if (compressed) metadata[COMPRESSION_METADATA] = utf8(DEFLATE);
      return { metadata, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (text(p.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return p; // recorded before encryption
      const id = text(p.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(id);
      if (!key) throw new PayloadKeyError(`payload encrypted with key "${id}", which is not in PAYLOAD_KEYS: add it (after the current key) to read it`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      const compression = text(p.metadata?.[COMPRESSION_METADATA]);
      if (compression !== undefined && compression !== DEFLATE) throw new PayloadKeyError(`payload compressed with "${compression}", which this version cannot read`);
      return temporal.api.common.v1.Payload.decode(compression === DEFLATE ? inflateRawSync(plain) : plain);
    });
  }
}

/** The data converter every client, worker and replayer of this service uses. */
export function dataConverter(keys: PayloadKey[] | string = process.env.PAYLOAD_KEYS || DEVELOPMENT_PAYLOAD_KEYS) {
  return { payloadCodecs: [new EncryptionCodec(typeof keys === 'string' ? parsePayloadKeys(keys) : keys)] };
}
