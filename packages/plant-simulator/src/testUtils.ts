import { MachineState, MachineStateEvent, PlantEvent } from './events';

/** Milliseconds each machine spent in each state between `from` and `to`. */
export function stateDurations(
  events: PlantEvent[],
  fromMs: number,
  toMs: number,
): Map<string, Partial<Record<MachineState, number>>> {
  const result = new Map<string, Partial<Record<MachineState, number>>>();
  const last = new Map<string, { state: MachineState; t: number }>();
  const add = (key: string, state: MachineState, ms: number) => {
    const d = result.get(key) ?? {};
    d[state] = (d[state] ?? 0) + ms;
    result.set(key, d);
  };
  for (const e of events) {
    if (e.type !== 'machineState') continue;
    const key = `${e.site}/${e.line}/${e.machine}`;
    const t = Math.max(fromMs, Date.parse(e.sourceTimestamp));
    const prev = last.get(key);
    if (prev) add(key, prev.state, t - prev.t);
    last.set(key, { state: e.state, t });
  }
  for (const [key, prev] of last) add(key, prev.state, toMs - prev.t);
  return result;
}

/** Each state interval: [machine key, state, start ms, end ms]. */
export function stateIntervals(events: PlantEvent[], toMs: number) {
  const open = new Map<string, MachineStateEvent>();
  const out: Array<{
    key: string;
    state: MachineState;
    start: number;
    end: number;
  }> = [];
  const close = (e: MachineStateEvent, end: number) =>
    out.push({
      key: `${e.site}/${e.line}/${e.machine}`,
      state: e.state,
      start: Date.parse(e.sourceTimestamp),
      end,
    });
  for (const e of events) {
    if (e.type !== 'machineState') continue;
    const key = `${e.site}/${e.line}/${e.machine}`;
    const prev = open.get(key);
    if (prev) close(prev, Date.parse(e.sourceTimestamp));
    open.set(key, e);
  }
  for (const e of open.values()) close(e, toMs);
  return out;
}
