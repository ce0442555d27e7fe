// Secrets are kept encrypted with a key the OS keychain holds (here an AES key in memory, standing
// in for Electron's safeStorage, which the services are given and never import): the file on disk
// holds no secret in clear, nothing is kept when no keychain is available, and the CLI and the
// browser mode keep none at all.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore, NoSecretStore, secretFileIn, type KeychainCipher, type SecretStore } from './secret-store';

/** AES-256-GCM with a key held in memory: the shape of Electron's safeStorage. */
class MemoryKeychain implements KeychainCipher {
  private readonly key = randomBytes(32);
  constructor(private readonly available = true) {}
  isEncryptionAvailable() {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const planted = 'planted-Secret-Value-9f8e7d6c5b4a';

describe('KeychainSecretStore', () => {
  it('keeps secrets encrypted in one file, readable back, removable', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-secrets-'));
    const keychain = new MemoryKeychain();
    const store = new KeychainSecretStore(keychain, secretFileIn(dataDir));
    expect(await store.get('sagemaker/aws_secret_access_key')).toBeNull();
    await store.set('sagemaker/aws_secret_access_key', planted);
    await store.set('databricks/token', 'dapi-0000000000');
    expect(await new KeychainSecretStore(keychain, secretFileIn(dataDir)).get('sagemaker/aws_secret_access_key')).toBe(planted);
    const onDisk = fs.readFileSync(path.join(dataDir, 'secrets.bin'));
    expect(onDisk.toString('latin1')).not.toContain(planted);
    expect(fs.statSync(path.join(dataDir, 'secrets.bin')).mode & 0o077).toBe(0);
    await store.delete('sagemaker/aws_secret_access_key');
    expect(await store.get('sagemaker/aws_secret_access_key')).toBeNull();
    expect(await store.get('databricks/token')).toBe('dapi-0000000000');
    await expect(store.set('databricks/token', '')).rejects.toThrow(/is empty/);
  });

  it('keeps nothing when the OS offers no keychain, and says what to use instead', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-secrets-'));
    const store = new KeychainSecretStore(new MemoryKeychain(false), secretFileIn(dataDir));
    await expect(store.set('sagemaker/aws_secret_access_key', planted)).rejects.toThrow(/OS keychain is not available.*environment variables, profiles, CLI logins/);
    expect(fs.existsSync(path.join(dataDir, 'secrets.bin'))).toBe(false);
  });
});

describe('NoSecretStore (the CLI and the browser mode)', () => {
  it('holds nothing and refuses to keep a secret, naming the SDK chains', async () => {
    const store: SecretStore = new NoSecretStore();
    expect(await store.get('sagemaker/aws_secret_access_key')).toBeNull();
    const refused = store.set('sagemaker/aws_secret_access_key', planted);
    await expect(refused).rejects.toThrow(/only in the desktop app's OS keychain.*AWS profiles/);
    await expect(refused).rejects.not.toThrow(planted);
  });
});
