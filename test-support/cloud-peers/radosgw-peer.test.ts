// The S3 peer is the real protocol: what is put comes back byte for byte, and a request signed
// with a wrong secret is refused (radosgw checks SigV4), so the SageMaker target's uploads are
// tested against a server that would catch a bad signature.
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { radosgwMissing, startRadosgw, type RadosgwPeer } from './radosgw-peer';

const missing = radosgwMissing();
if (missing) console.warn(`radosgw-peer.test.ts: skipped, radosgw ${missing}`);

function client(peer: RadosgwPeer, secret = peer.secretAccessKey): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: peer.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: secret },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

describe.skipIf(missing)('radosgw peer', () => {
  let peer: RadosgwPeer;
  beforeAll(async () => {
    peer = await startRadosgw();
  }, 300_000);
  afterAll(async () => peer?.stop());

  it('stores what is put and checks signatures', async () => {
    const s3 = client(peer);
    await s3.send(new CreateBucketCommand({ Bucket: 'peer-check' }));
    const body = randomBytes(300_000);
    await s3.send(new PutObjectCommand({ Bucket: 'peer-check', Key: 'a/b.bin', Body: body }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'peer-check', Key: 'a/b.bin' }))).Body!.transformToByteArray());
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    const wrong = client(peer, 'not-the-secret-key-at-all');
    await expect(wrong.send(new PutObjectCommand({ Bucket: 'peer-check', Key: 'x', Body: 'x' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  }, 60_000);
});
