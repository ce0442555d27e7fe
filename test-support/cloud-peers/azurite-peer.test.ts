// The Azure Blob peer is the real protocol: what is uploaded comes back byte for byte, a request
// signed with another key is refused (azurite checks Shared Key signatures), and the server is gone
// once stopped.
import { createHash, randomBytes } from 'node:crypto';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuritePeer } from './azurite-peer';

function client(peer: AzuritePeer, key = peer.accountKey): BlobServiceClient {
  return new BlobServiceClient(peer.endpoint, new StorageSharedKeyCredential(peer.accountName, key), { retryOptions: { maxTries: 1 } });
}

describe('azurite peer', () => {
  let peer: AzuritePeer;
  beforeAll(async () => {
    peer = await startAzurite();
  }, 60_000);
  afterAll(async () => peer?.stop());

  it('stores what is uploaded, checks Shared Key signatures, and stops', async () => {
    const container = client(peer).getContainerClient('peer-check');
    await container.create();
    const body = randomBytes(300_000);
    await container.getBlockBlobClient('a/b.bin').uploadData(body);
    const got = await container.getBlockBlobClient('a/b.bin').downloadToBuffer();
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    const wrong = client(peer, randomBytes(64).toString('base64')).getContainerClient('peer-check');
    await expect(wrong.getBlockBlobClient('x').uploadData(Buffer.from('x'))).rejects.toMatchObject({ statusCode: 403, code: 'AuthorizationFailure' });
    await peer.stop();
    await expect(fetch(peer.endpoint)).rejects.toThrow();
  }, 60_000);
});
