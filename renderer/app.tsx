// The app shell (placeholder until the pages land).
import { useEffect, useState } from 'react';
import { api } from './api';

/** The root component. */
export function App() {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    void api.listExperiments({}).then((experiments) => setCount(experiments.length));
  }, []);
  return <div data-testid="app-ready">Cairn: {count ?? '…'} experiments</div>;
}
