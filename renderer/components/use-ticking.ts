// A clock for components that show a duration growing while something runs.
import { useEffect, useState } from 'react';

/** The current time, re-rendering every `ms` while `active`. */
export function useTicking(active: boolean, ms = 200): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}
