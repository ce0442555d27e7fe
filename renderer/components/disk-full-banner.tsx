// The banner shown on every page while writes into the data folder fail because its disk is full:
// it names the folder and says what to do. It goes away by itself when a write goes through again.
import { useAppStore } from '../use-app-store';

/** A banner naming the data folder whose disk is full, or nothing while there is room. */
export function DiskFullBanner() {
  const storage = useAppStore((state) => state.storage);
  if (!storage?.diskFull) return null;
  return (
    <div className="disk-full-banner" role="alert" data-testid="disk-full-banner">
      <strong>The disk is full.</strong> Cairn cannot save to its data folder{' '}
      <code data-testid="disk-full-folder">{storage.dataDir}</code>: new runs, metrics and artifacts are refused until
      there is room. Free some space on that disk; saving resumes by itself, and nothing already saved was lost.
    </div>
  );
}
