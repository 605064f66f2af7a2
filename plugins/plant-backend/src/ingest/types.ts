// Ingestion works on the versioned telemetry schema of plant-common.
export type { MachineState, TelemetryEvent } from '@plantops/backstage-plugin-plant-common';
import type { TelemetryEvent } from '@plantops/backstage-plugin-plant-common';

export type ParsedEvent = { ok: true; event: TelemetryEvent } | { ok: false; reason: string };
