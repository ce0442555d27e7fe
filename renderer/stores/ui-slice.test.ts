// The ui slice's disk-full state against the real main side (in-process API, real SQLite): the
// data folder's StorageHealth is told of a write refused with ENOSPC, as the file system refuses it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: (() => void) | null;

beforeEach(() => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = null;
});

afterEach(async () => {
  stopWatching?.();
  await cairn.close();
});

function fillDisk(): void {
  const refused = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  cairn.services.storage.failed(refused);
}

describe('ui slice: a full disk', () => {
  it('is known from the app info, naming the data folder', async () => {
    await store.getState().loadAppInfo();
    expect(store.getState().storage).toEqual({ dataDir: cairn.dataDir, diskFull: false });

    fillDisk();
    await store.getState().loadAppInfo();
    expect(store.getState().storage).toEqual({ dataDir: cairn.dataDir, diskFull: true });
  });

  it('is followed from the storage events: set when the disk fills, cleared when a write goes through again', async () => {
    await store.getState().loadAppInfo();
    stopWatching = store.getState().watchStorage();

    fillDisk();
    expect(store.getState().storage).toEqual({ dataDir: cairn.dataDir, diskFull: true });

    // A real write going through clears it.
    await cairn.services.store.createExperiment({ name: 'room again' });
    expect(store.getState().storage).toEqual({ dataDir: cairn.dataDir, diskFull: false });
  });

  it('stops following once the watch is stopped', async () => {
    await store.getState().loadAppInfo();
    store.getState().watchStorage()();
    fillDisk();
    expect(store.getState().storage?.diskFull).toBe(false);
  });
});
