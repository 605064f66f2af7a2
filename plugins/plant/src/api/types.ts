import type {
  MachineState,
  OeeElements,
  OeeResult,
  SixBigLosses,
} from '@plantops/backstage-plugin-plant-common';

/** Andon state of a machine, as the backend last saw it. */
export type MachineAndon = {
  active: boolean;
  colour?: string | null;
  reason?: string | null;
};

/** One machine's latest state: an item of `GET /machines`. */
export type MachineStatus = {
  site: string;
  line: string;
  machine: string;
  /** A MachineState; kept as string so an unknown value shows as unknown. */
  state: MachineState | string | null;
  stateSince?: string | null;
  andon?: MachineAndon | null;
  idealCycleTimeSeconds?: number | null;
  lastEventAt?: string | null;
};

export type MachinesResponse = { items: MachineStatus[] };

export type OeeGroupBy = 'machine' | 'line' | 'site' | 'day' | 'shift';

export type OeeGroupKey = {
  site?: string;
  line?: string;
  machine?: string;
  day?: string;
  shift?: string;
};

export type OeeGroup = {
  key: OeeGroupKey;
  result: OeeResult;
  elements: OeeElements;
  losses: SixBigLosses;
};

export type OeeResponse = { from: string; to: string; groups: OeeGroup[] };

export type OeeTrendPoint = {
  t: string;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
};

export type OeeTrendResponse = { points: OeeTrendPoint[] };

export type AndonEvent = {
  site: string;
  line: string;
  machine: string;
  at: string;
  action: string;
  reason?: string | null;
  colour?: string | null;
};

export type AndonResponse = { items: AndonEvent[] };

/** Narrows a query to one site and, optionally, one of its lines. */
export type PlantFilter = { site?: string; line?: string };

export type OeeQuery = PlantFilter & {
  from: Date;
  to: Date;
  groupBy: OeeGroupBy;
};

export type TrendResolution = 'minute' | 'hour' | 'day';

export type OeeTrendQuery = PlantFilter & {
  from: Date;
  to: Date;
  resolution: TrendResolution;
};

/** Payload of the `plant:telemetry` signal channel. */
export type TelemetrySignal = { site: string; line: string; at: string };
