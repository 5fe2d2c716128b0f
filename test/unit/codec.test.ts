/**
 * The payload encryption codec (src/temporal/codec.ts): what goes into a workflow history is
 * unreadable without the key, decodes exactly, survives key rotation, and refuses tampering.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { COMPRESSION_METADATA, EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, parsePayloadKeys, PayloadKeyError } from '../../src/temporal/codec';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const text = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');
const patient = { personnummer: '19121212-1212', contact: 'Distriktssköterska Lind', note: 'Ökat behov av såromläggning' };

describe('payload encryption codec', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('encrypts: no patient data in the encoded bytes, the key id in the metadata; decodes exactly', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(k1));
    const plain = defaultPayloadConverter.toPayload(patient);
    const [enc] = await codec.encode([plain]);
    expect(text(enc!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc!.metadata![KEY_ID_METADATA])).toBe('k1');
    for (const s of Object.values(patient)) expect(text(enc!.data)).not.toContain(s);
    expect(text(enc!.data)).not.toContain('json/plain');
    const [dec] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual(patient);
  });

  it('a fresh IV per payload: the same value encrypts differently every time', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(k1));
    const p = defaultPayloadConverter.toPayload(patient);
    const [a, b] = await codec.encode([p, p]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotation: the new key encrypts, payloads of the old key still decode; without the old key they cannot', async () => {
    const before = new EncryptionCodec(parsePayloadKeys(k1));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(patient)]);
    const rotated = new EncryptionCodec(parsePayloadKeys(`${k2},${k1}`));
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(patient)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map((d) => defaultPayloadConverter.fromPayload(d))).toEqual([patient, patient]);
    await expect(new EncryptionCodec(parsePayloadKeys(k2)).decode([old!])).rejects.toThrow(/key "k1", which is not in PAYLOAD_KEYS/);
  });

  it('payloads recorded before encryption pass through, so old histories still replay', async () => {
    const plain = defaultPayloadConverter.toPayload(patient);
    expect(await new EncryptionCodec(parsePayloadKeys(k1)).decode([plain])).toEqual([plain]);
  });

  it('a tampered payload is refused (GCM authentication)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(k1));
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(patient)]);
    const data = Buffer.from(enc!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...enc!, data }])).rejects.toThrow();
  });

  it('compression (issue 21): a large view is deflated before it is encrypted and decodes exactly; a small payload is not; payloads encrypted uncompressed (before) still decode', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(k1));
    const view = { ...patient, timeline: Array.from({ length: 40 }, (_, i) => ({ at: `2026-12-0${(i % 9) + 1}T10:00:00.000Z`, type: 'message.acknowledged', by: 'SE2321000115-AVD7', note: patient.note })) };
    const plainView = defaultPayloadConverter.toPayload(view);
    const [big, small] = await codec.encode([plainView, defaultPayloadConverter.toPayload({ ok: true })]);
    expect(text(big!.metadata![COMPRESSION_METADATA])).toBe('deflate-raw');
    expect(big!.data!.length).toBeLessThan(plainView.data!.length / 4);
    expect(small!.metadata![COMPRESSION_METADATA]).toBeUndefined();
    for (const s of Object.values(patient)) expect(text(big!.data)).not.toContain(s);
    const [dec, decSmall] = await codec.decode([big!, small!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual(view);
    expect(defaultPayloadConverter.fromPayload(decSmall!)).toEqual({ ok: true });
    // a payload encrypted by the version before compression: no compression metadata
    const { [COMPRESSION_METADATA]: _, ...olderMetadata } = big!.metadata!;
    await expect(codec.decode([{ ...big!, metadata: olderMetadata }])).rejects.toThrow(); // deflated bytes are not a Payload
    const [uncompressed] = await codec.decode([{ ...small!, metadata: { ...small!.metadata } }]);
    expect(defaultPayloadConverter.fromPayload(uncompressed!)).toEqual({ ok: true });
    await expect(codec.decode([{ ...big!, metadata: { ...big!.metadata, [COMPRESSION_METADATA]: new TextEncoder().encode('zstd') } }])).rejects.toThrow(/compressed with "zstd"/);
  });

  it('undefined (binary/null, no data) is left as it is: nothing to hide; it decodes to undefined', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(k1));
    const nothing = defaultPayloadConverter.toPayload(undefined);
    const [enc] = await codec.encode([nothing]);
    expect(enc).toEqual(nothing);
    expect(defaultPayloadConverter.fromPayload((await codec.decode([enc!]))[0]!)).toBeUndefined();
  });

  it('PAYLOAD_KEYS errors name the key and what is wrong', () => {
    expect(() => parsePayloadKeys('')).toThrow(PayloadKeyError);
    expect(() => parsePayloadKeys('k1:c2hvcnQ=')).toThrow(/key k1: must be 32 bytes/);
    expect(() => parsePayloadKeys(`:${randomBytes(32).toString('base64')}`)).toThrow(/key 1: must be id:base64key/);
    expect(() => parsePayloadKeys(`${k1},${k1}`)).toThrow(/k1 given twice/);
  });
});
