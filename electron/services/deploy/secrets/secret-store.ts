// Where deploy targets' secrets (AWS secret keys, Azure client secrets, Databricks tokens) are
// kept: only in the OS keychain, through the desktop shell's SecretStore (a KeychainSecretStore
// over Electron's safeStorage, built in electron/main/electron-main.ts), injected into the services. The CLI and the browser
// mode keep none: their targets use the SDKs' own credential chains and environment, and asking
// them to store a secret is refused. A secret's value never leaves the main side: the UI learns
// only whether one is set.
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../../shared/errors';

/** A secret's name: the target's name and the secret's key, e.g. sagemaker/aws_secret_access_key. */
export type SecretName = `${string}/${string}`;

/** Secrets kept outside the database, logs and renderer. */
export interface SecretStore {
  /** Whether this store keeps secrets at all (false: the CLI and the browser mode). */
  readonly persistent: boolean;
  get(name: SecretName): Promise<string | null>;
  /** Stores a secret; INVALID_STATE where secrets cannot be kept. */
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

/** The store of the CLI and the browser mode: keeps nothing, so the SDKs' own credentials are used. */
export class NoSecretStore implements SecretStore {
  readonly persistent = false;

  async get(): Promise<string | null> {
    return null;
  }

  async set(name: SecretName): Promise<void> {
    throw new CairnError(
      'INVALID_STATE',
      `Secrets are kept only in the desktop app's OS keychain, so ${name} cannot be stored here; ` +
        'the command line and the browser mode use the cloud SDKs\' own credentials (environment variables, AWS profiles, ' +
        'the Azure CLI login, ~/.databrickscfg).',
    );
  }

  async delete(): Promise<void> {}
}

/** Encrypts and decrypts text with a key the OS keychain holds (Electron's safeStorage has this shape). */
export interface KeychainCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The file system a keychain-backed store keeps its encrypted blobs in (one file, written atomically). */
export interface EncryptedSecretFile {
  read(): Buffer | null;
  write(content: Buffer): void;
}

/**
 * Secrets encrypted with a key from the OS keychain (macOS Keychain, Windows DPAPI, libsecret or
 * kwallet on Linux) and kept as ciphertext in one file of the app's data: nothing readable is on
 * disk, and the database never sees them. Refuses to store anything when the OS offers no
 * keychain (Linux without a secret service), rather than keeping secrets in clear text.
 */
export class KeychainSecretStore implements SecretStore {
  readonly persistent = true;

  constructor(
    private readonly cipher: KeychainCipher,
    private readonly file: EncryptedSecretFile,
  ) {}

  async get(name: SecretName): Promise<string | null> {
    return this.readAll()[name] ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    if (typeof value !== 'string' || value.length === 0) throw new CairnError('INVALID_PARAMETER_VALUE', `The secret ${name} is empty.`);
    this.writeAll({ ...this.readAll(), [name]: value });
  }

  async delete(name: SecretName): Promise<void> {
    const all = this.readAll();
    if (!(name in all)) return;
    delete all[name];
    this.writeAll(all);
  }

  private readAll(): Record<string, string> {
    const content = this.file.read();
    if (!content || content.length === 0) return {};
    this.checkAvailable();
    return JSON.parse(this.cipher.decryptString(content)) as Record<string, string>;
  }

  private writeAll(secrets: Record<string, string>): void {
    this.checkAvailable();
    this.file.write(this.cipher.encryptString(JSON.stringify(secrets)));
  }

  private checkAvailable(): void {
    if (!this.cipher.isEncryptionAvailable()) {
      throw new CairnError(
        'INVALID_STATE',
        'The OS keychain is not available (on Linux: no secret service such as GNOME Keyring or KWallet is running), so Cairn keeps no secrets; ' +
          'use the cloud SDKs\' own credentials instead (environment variables, profiles, CLI logins).',
      );
    }
  }
}

/** The encrypted secrets' file of a data folder (<dataDir>/secrets.bin), written atomically and readable by its owner only. */
export function secretFileIn(dataDir: string): EncryptedSecretFile {
  const file = path.join(dataDir, 'secrets.bin');
  return {
    read: () => (fs.existsSync(file) ? fs.readFileSync(file) : null),
    write: (content) => {
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, content, { mode: 0o600 });
      fs.renameSync(temporary, file);
    },
  };
}
