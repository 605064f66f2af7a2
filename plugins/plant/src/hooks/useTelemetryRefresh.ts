import { useEffect, useRef, useState } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import type { TelemetrySignal } from '../api';

export const TELEMETRY_CHANNEL = 'plant:telemetry';
/** Telemetry commits arrive in bursts; one refetch per burst is enough. */
export const REFRESH_DELAY_MS = 2000;
/** Without signals the views still move, just slower. */
export const POLL_INTERVAL_MS = 60_000;

/**
 * A counter that goes up ~2 s after telemetry for `site` (and `line`, if
 * given; neither means everything) was committed. Put it in a fetch's deps
 * to refetch live. Signals that arrive while a refetch is pending join it,
 * so a steady stream still refreshes every 2 s instead of never.
 */
export function useTelemetryRefresh(filter: {
  site?: string;
  line?: string;
}): number {
  const { lastSignal, isSignalsAvailable } =
    useSignal<TelemetrySignal>(TELEMETRY_CHANNEL);
  const [tick, setTick] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  const { site, line } = filter;

  useEffect(() => {
    if (!lastSignal || pending.current) return;
    if (site && lastSignal.site !== site) return;
    if (line && lastSignal.line !== line) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      setTick(t => t + 1);
    }, REFRESH_DELAY_MS);
  }, [lastSignal, site, line]);

  useEffect(() => () => clearTimeout(pending.current), []);

  useEffect(() => {
    if (isSignalsAvailable) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [isSignalsAvailable]);

  return tick;
}
