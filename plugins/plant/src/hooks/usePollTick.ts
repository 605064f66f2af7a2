import { useEffect, useState } from 'react';

/** A counter that goes up every `intervalMs`; put it in a fetch's deps to poll. */
export function usePollTick(intervalMs: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick(t => t + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return tick;
}
