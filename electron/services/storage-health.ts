// Whether writes into a data folder fail because the disk under it is full. The database and
// the artifact store report each write's outcome here: a full disk becomes an error that names
// the folder (INSUFFICIENT_STORAGE, HTTP 507, which MLflow's client does not retry for minutes
// as it retries a 500), the server log gets one line when the disk fills and one when writes go
// through again, and listeners (the app's banner) hear of both.
import { CairnError } from '../../shared/errors';

/** Error codes that mean the disk (or the user's quota on it) has no room left. */
const DISK_FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** Whether an error thrown by SQLite or the file system means the disk is full. */
export function isDiskFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

/** The error a write into `folder` answers while its disk is full. */
function diskFullError(folder: string): CairnError {
  return new CairnError(
    'INSUFFICIENT_STORAGE',
    `The disk is full: Cairn cannot write to its data folder ${folder}. Free some space on that disk; ` +
      'writes resume by themselves once there is room, and nothing already saved was lost.',
  );
}

/** The disk-full state of one data folder, as the latest write into it found it. */
export class StorageHealth {
  private full = false;
  private readonly listeners = new Set<(diskFull: boolean) => void>();

  /** `log` receives the one line written when the disk fills and when writes resume (stderr by default). */
  constructor(
    readonly folder: string,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  /** Whether the latest write into the folder failed for lack of space. */
  get diskFull(): boolean {
    return this.full;
  }

  /** The error to throw for one a write into the folder threw: a full disk becomes INSUFFICIENT_STORAGE, anything else is returned as it is. */
  failed(error: unknown): unknown {
    if (!isDiskFullError(error)) return error;
    this.set(true);
    return diskFullError(this.folder);
  }

  /** Records a write that went through. */
  succeeded(): void {
    if (this.full) this.set(false);
  }

  /** Calls `listener` whenever the disk fills or writes resume; returns the unsubscribe function. */
  onChange(listener: (diskFull: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(full: boolean): void {
    if (this.full === full) return;
    this.full = full;
    this.log(
      full
        ? `cairn: the disk holding ${this.folder} is full: writes are refused (507 Insufficient Storage) until space is freed; reads go on.`
        : `cairn: writes to ${this.folder} go through again.`,
    );
    for (const listener of this.listeners) listener(full);
  }
}
