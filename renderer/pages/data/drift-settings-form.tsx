// The open dataset's drift choices, in a fold of the drift section: which columns to compare, a
// test and threshold per column, and the share of drifted columns that makes the dataset drift.
// Saved with the dataset, they are used by every comparison of its versions (here, the timeline,
// a model version's page); saving compares the shown pair again.
import { useState } from 'react';
import type { DriftOptions } from '../../../shared/data-models';
import { driftSettingsFromText, driftSettingsToText } from '../../models/data/drift-settings-text';
import { useAppStore } from '../../use-app-store';

/** The fields, filled from the stored settings. */
function SettingsFields({ stored }: { stored: DriftOptions }) {
  const [text, setText] = useState(() => driftSettingsToText(stored));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const chosen = Object.keys(stored).length > 0;
  const save = async (settings: DriftOptions) => {
    setSaving(true);
    const saved = await useAppStore.getState().saveDriftSettings(settings);
    setSaving(false);
    if (saved) setError(null);
  };
  return (
    <form
      className="drift-settings-form"
      aria-label="Drift settings"
      onSubmit={(event) => {
        event.preventDefault();
        const read = driftSettingsFromText(text);
        if ('error' in read) setError(read.error);
        else void save(read.settings);
      }}
    >
      <label>
        <span>Columns to compare</span>
        <input value={text.only} onChange={(event) => setText({ ...text, only: event.target.value })} placeholder="all columns" data-testid="drift-settings-columns" />
      </label>
      <label>
        <span>Test per column</span>
        <input value={text.tests} onChange={(event) => setText({ ...text, tests: event.target.value })} placeholder="amount=psi:0.2, country=jensenshannon" data-testid="drift-settings-tests" />
      </label>
      <label>
        <span>Drift share</span>
        <input value={text.driftShare} onChange={(event) => setText({ ...text, driftShare: event.target.value })} placeholder="0.5" inputMode="decimal" data-testid="drift-settings-share" />
      </label>
      <button type="submit" className="primary small" disabled={saving} data-testid="drift-settings-save">
        Save and compare
      </button>
      {chosen && (
        <button type="button" className="small" disabled={saving} onClick={() => void save({})} data-testid="drift-settings-reset">
          Back to Evidently's defaults
        </button>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="drift-settings-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** A fold with the dataset's drift choices; its summary says whether any are set. */
export function DriftSettingsForm() {
  const settings = useAppStore((state) => state.openDataset?.driftSettings);
  if (!settings || settings.status !== 'ready' || !settings.data) return null;
  const stored = settings.data;
  const chosen = Object.keys(stored).length > 0;
  return (
    <details className="drift-settings" data-testid="drift-settings">
      <summary>
        Drift settings <span className="faint">{chosen ? '· chosen for this dataset' : "· Evidently's defaults"}</span>
      </summary>
      <p className="faint">
        Tests: ks, chisquare, z (p-values: drift below the threshold), wasserstein, jensenshannon, psi, kl_div (distances: drift from the threshold).
      </p>
      <SettingsFields key={JSON.stringify(stored)} stored={stored} />
    </details>
  );
}
