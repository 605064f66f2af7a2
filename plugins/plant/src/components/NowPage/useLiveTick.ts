import { useEffect, useRef, useState } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  PLANT_ALERTS_CHANNEL,
  PLANT_HEALTH_CHANNEL,
} from '@plantops/backstage-plugin-plant-common';

/** Without signals the views still move, just slower. */
export const LIVE_POLL_MS = 30_000;

/**
 * A counter that goes up when the backend signals a health change (for one
 * of `entityRefs`, or any when none are given) or an alert change. Put it in
 * a fetch's deps to refetch without reload.
 */
export function useLiveTick(entityRefs?: string[]): number {
  const health = useSignal<{ entityRefs: string[] }>(PLANT_HEALTH_CHANNEL);
  const alerts = useSignal<{ at: string }>(PLANT_ALERTS_CHANNEL);
  const [tick, setTick] = useState(0);
  const refs = useRef(entityRefs);
  refs.current = entityRefs;

  useEffect(() => {
    const changed = health.lastSignal?.entityRefs ?? [];
    if (!health.lastSignal) return;
    if (refs.current && !changed.some(r => refs.current!.includes(r))) return;
    setTick(t => t + 1);
  }, [health.lastSignal]);

  useEffect(() => {
    if (alerts.lastSignal) setTick(t => t + 1);
  }, [alerts.lastSignal]);

  const live = health.isSignalsAvailable;
  useEffect(() => {
    if (live) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [live]);

  return tick;
}
