// The params the stages read, editable: changed values queue a variant, which runs in its own
// copy of the project with those overrides (the project's params files are never changed).
import { useMemo, useState } from 'react';
import type { ParamView } from '../../../shared/pipelines';
import { leafId, paramLeaves, paramOverrides } from '../../models/pipelines/param-leaves';

/** The params editor. */
export function ParamsEditor({ params, onRunVariant }: { params: readonly ParamView[]; onRunVariant: (overrides: string[]) => void }) {
  const leaves = useMemo(() => paramLeaves(params), [params]);
  const [edited, setEdited] = useState<Record<string, string>>({});
  const overrides = paramOverrides(leaves, edited);
  if (leaves.length === 0) {
    return (
      <section className="params-editor card" data-testid="params-editor">
        <h2>Params</h2>
        <p className="muted">No stage reads params: list keys of params.yaml under a stage’s <code>params:</code> to tune them here.</p>
      </section>
    );
  }
  return (
    <section className="params-editor card" data-testid="params-editor">
      <h2>Params</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (overrides.length === 0) return;
          onRunVariant(overrides);
          setEdited({});
        }}
      >
        <table className="data-table params-table">
          <tbody>
            {leaves.map((leaf) => {
              const id = leafId(leaf);
              const value = edited[id] ?? leaf.text;
              const changed = value.trim() !== leaf.text;
              return (
                <tr key={id} className={changed ? 'is-changed' : undefined}>
                  <th scope="row" title={`${leaf.file}: read by ${leaf.stages.join(', ')}`}>
                    <label htmlFor={`param-${id}`}>{leaf.key}</label>
                    {leaf.file !== 'params.yaml' && <span className="faint"> {leaf.file}</span>}
                  </th>
                  <td>
                    <input
                      type="text"
                      id={`param-${id}`}
                      className="param-input"
                      data-testid="param-input"
                      data-param={leaf.key}
                      value={value}
                      spellCheck={false}
                      onChange={(event) => setEdited({ ...edited, [id]: event.target.value })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="params-actions">
          <span className="muted" data-testid="params-overrides">
            {overrides.length ? overrides.join(', ') : 'Change a value to run a variant.'}
          </span>
          <button type="button" className="small ghost" disabled={overrides.length === 0} onClick={() => setEdited({})}>
            Reset
          </button>
          <button type="submit" className="small primary" disabled={overrides.length === 0} data-testid="run-variant">
            Run variant
          </button>
        </div>
      </form>
    </section>
  );
}
