/** How a machine state reads on the overview, by colour. */
export type StateTone =
  | 'running'
  | 'waiting'
  | 'down'
  | 'setup'
  | 'planned'
  | 'unknown';

export const TONES: Record<StateTone, { colour: string; label: string }> = {
  running: { colour: '#2e7d32', label: 'green' },
  waiting: { colour: '#f9a825', label: 'amber' },
  down: { colour: '#c62828', label: 'red' },
  setup: { colour: '#1565c0', label: 'blue' },
  planned: { colour: '#9e9e9e', label: 'grey' },
  unknown: { colour: 'transparent', label: 'unknown' },
};

const TONE_OF_STATE: Record<string, StateTone> = {
  Executing: 'running',
  Idle: 'waiting',
  NotExecuting: 'waiting',
  OutOfService: 'down',
  Fault: 'down',
  Setup: 'setup',
  PlannedDowntime: 'planned',
  NoShift: 'planned',
};

export function toneOf(state: string | null | undefined): StateTone {
  return (state && TONE_OF_STATE[state]) || 'unknown';
}

export const TONE_ORDER: StateTone[] = [
  'down',
  'waiting',
  'setup',
  'running',
  'planned',
  'unknown',
];
