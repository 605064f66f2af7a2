import type { Pool, PoolClient } from 'pg';
import { bucketOf, splitByMinute } from './buckets';
import { ensurePartition, monthPartition } from '../database/schema';
import type { ParsedEvent, TelemetryEvent, MachineState } from './types';

/** One raw message from a source, with its position for idempotence. */
export interface SourceMessage {
  offset: string; // Kafka offset (decimal string)
  value: string;
}

export interface BatchResult {
  applied: number;
  duplicates: number;
  late: number;
  deadLettered: number;
  skippedAlreadyCommitted: number;
  /** Lines whose machines changed, for live updates. */
  lines: { site: string; line: string }[];
  /** Andon events raised in this batch. */
  andonRaised: { site: string; line: string; machine: string }[];
}

const emptyResult = (): BatchResult => ({
  applied: 0, duplicates: 0, late: 0, deadLettered: 0, skippedAlreadyCommitted: 0, lines: [], andonRaised: [],
});

type Column =
  | 'executing_s' | 'idle_s' | 'fault_s' | 'micro_stop_s' | 'setup_s'
  | 'planned_downtime_s' | 'no_shift_s' | 'produced' | 'good' | 'reject' | 'ideal_s' | 'ideal_good_s';
const COLUMNS: Column[] = [
  'executing_s', 'idle_s', 'fault_s', 'micro_stop_s', 'setup_s',
  'planned_downtime_s', 'no_shift_s', 'produced', 'good', 'reject', 'ideal_s', 'ideal_good_s',
];

interface MachineRow {
  site: string; line: string; machine: string;
  state: MachineState | null; state_since: Date | null;
  total: string | null; good: string | null; reject: string | null; counters_at: Date | null;
  ideal_cycle_s: number | null; product: string | null;
  andon_active: boolean; andon_colour: string | null; andon_reason: string | null;
  last_event_at: Date | null;
}

const STOPS: MachineState[] = ['Idle', 'NotExecuting', 'OutOfService', 'Fault'];

/** The rollup column a closed state interval of this length counts towards. */
export function columnFor(state: MachineState, seconds: number, microStopS: number): Column {
  if (STOPS.includes(state) && seconds < microStopS) return 'micro_stop_s';
  switch (state) {
    case 'Executing': return 'executing_s';
    case 'Idle':
    case 'NotExecuting': return 'idle_s';
    case 'OutOfService':
    case 'Fault': return 'fault_s';
    case 'Setup': return 'setup_s';
    case 'PlannedDowntime': return 'planned_downtime_s';
    default: return 'no_shift_s';
  }
}

/** Counter delta between two cumulative readings; a drop means the counter was reset. */
function delta(prev: number, next: number) {
  return next >= prev ? next - prev : next;
}

class Accumulator {
  readonly rows = new Map<string, { key: string[]; bucket: number; v: Record<Column, number> }>();

  add(m: { site: string; line: string; machine: string }, bucket: number, col: Column, amount: number) {
    if (amount === 0) return;
    const k = `${m.site}\u0000${m.line}\u0000${m.machine}\u0000${bucket}`;
    let row = this.rows.get(k);
    if (!row) {
      row = {
        key: [m.site, m.line, m.machine],
        bucket,
        v: Object.fromEntries(COLUMNS.map(c => [c, 0])) as Record<Column, number>,
      };
      this.rows.set(k, row);
    }
    row.v[col] += amount;
  }

  /** Adds (sign 1) or removes (sign -1) a closed state interval. */
  interval(m: MachineRow, state: MachineState, from: number, to: number, sign: 1 | -1, microStopS: number) {
    if (to <= from) return;
    const col = columnFor(state, (to - from) / 1000, microStopS);
    for (const [bucket, s] of splitByMinute(from, to)) this.add(m, bucket, col, sign * s);
  }
}

const key = (e: { site: string; line: string; machine: string }) =>
  `${e.site}\u0000${e.line}\u0000${e.machine}`;

/**
 * Applies telemetry to per-minute rollups. Each batch runs in one transaction
 * that also advances the source's stored offset, so a crash at any point
 * neither loses nor double counts a message: a redelivered message is below
 * the stored offset and skipped.
 */
export class RollupWriter {
  private readonly knownPartitions = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly parse: (raw: string) => ParsedEvent,
    private readonly options: { microStopSeconds: number } = { microStopSeconds: 120 },
  ) {}

  async applyBatch(source: string, partition: number, messages: SourceMessage[]): Promise<BatchResult> {
    return this.inTransaction(client => this.applyInTransaction(client, source, partition, messages));
  }

  /**
   * Applies events from a source without offsets (OPC UA). Idempotence comes
   * from the source timestamps: a state already recorded at the same time is
   * a duplicate, a counter reading not newer than the last one is skipped.
   */
  async applyEvents(source: string, events: TelemetryEvent[]): Promise<BatchResult> {
    return this.inTransaction(client => this.applyParsed(client, source, 'event', events, []));
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  /** The next offset to read for a source partition, or undefined if none is stored. */
  async storedOffset(source: string, partition: number): Promise<string | undefined> {
    const r = await this.pool.query(
      'SELECT next_offset FROM plant_ingest_offset WHERE source = $1 AND partition = $2',
      [source, partition],
    );
    return r.rows[0] ? String(r.rows[0].next_offset) : undefined;
  }

  private async applyInTransaction(client: PoolClient, source: string, partition: number, messages: SourceMessage[]) {
    const result = emptyResult();
    await client.query(
      'INSERT INTO plant_ingest_offset (source, partition, next_offset) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING',
      [source, partition],
    );
    const stored = await client.query(
      'SELECT next_offset FROM plant_ingest_offset WHERE source = $1 AND partition = $2 FOR UPDATE',
      [source, partition],
    );
    const next = BigInt(stored.rows[0].next_offset);
    const fresh = messages.filter(m => BigInt(m.offset) >= next);
    result.skippedAlreadyCommitted = messages.length - fresh.length;
    if (fresh.length === 0) return result;

    const events: TelemetryEvent[] = [];
    const dead: { position: string; raw: string; reason: string }[] = [];
    for (const m of fresh) {
      const parsed = this.parse(m.value);
      if (parsed.ok) events.push(parsed.event);
      else dead.push({ position: `${partition}:${m.offset}`, raw: m.value, reason: parsed.reason });
    }

    const applied = await this.applyParsed(client, source, String(partition), events, dead);
    Object.assign(result, { ...applied, skippedAlreadyCommitted: result.skippedAlreadyCommitted });
    const last = BigInt(fresh[fresh.length - 1].offset) + 1n;
    await client.query(
      'UPDATE plant_ingest_offset SET next_offset = $3 WHERE source = $1 AND partition = $2',
      [source, partition, last.toString()],
    );
    return result;
  }


  private async applyParsed(
    client: PoolClient, source: string, position: string, events: TelemetryEvent[],
    dead: { position: string; raw: string; reason: string }[],
  ): Promise<BatchResult> {
    const result = emptyResult();
    const machines = await this.lockMachines(client, events);
    const acc = new Accumulator();
    const andon: TelemetryEvent[] = [];
    for (const e of events) {
      const m = machines.get(key(e))!;
      const outcome = await this.applyEvent(client, acc, m, e, andon);
      if (outcome === 'applied') result.applied++;
      else if (outcome === 'duplicate') result.duplicates++;
      else if (outcome === 'late') { result.late++; result.applied++; }
      else dead.push({ position: `${position}:${e.eventId ?? ''}`, raw: JSON.stringify(e), reason: outcome.reason });
    }

    await this.writeRollups(client, acc);
    await this.writeMachines(client, [...machines.values()]);
    await this.writeAndon(client, andon);
    for (const d of dead) {
      await client.query(
        'INSERT INTO plant_dead_letter (source, position, raw, reason) VALUES ($1, $2, $3, $4)',
        [source, d.position, d.raw, d.reason],
      );
    }
    result.deadLettered = dead.length;
    const lines = new Map<string, { site: string; line: string }>();
    for (const e of events) lines.set(`${e.site}\u0000${e.line}`, { site: e.site, line: e.line });
    result.lines = [...lines.values()];
    result.andonRaised = andon
      .filter(e => e.type === 'andon' && e.action === 'raised')
      .map(e => ({ site: e.site, line: e.line, machine: e.machine }));
    return result;
  }

  private async lockMachines(client: PoolClient, events: TelemetryEvent[]) {
    const map = new Map<string, MachineRow>();
    const ids = new Map<string, TelemetryEvent>();
    for (const e of events) ids.set(key(e), e);
    if (ids.size === 0) return map;
    const params: string[] = [];
    const tuples: string[] = [];
    for (const e of ids.values()) {
      params.push(e.site, e.line, e.machine);
      tuples.push(`($${params.length - 2}, $${params.length - 1}, $${params.length})`);
    }
    // Create missing rows first so every machine can be locked in one statement.
    await client.query(
      `INSERT INTO plant_machine (site, line, machine) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
    const r = await client.query<MachineRow>(
      `SELECT * FROM plant_machine WHERE (site, line, machine) IN (${tuples.join(', ')})
       ORDER BY site, line, machine FOR UPDATE`,
      params,
    );
    for (const row of r.rows) map.set(key(row), row);
    return map;
  }

  private async applyEvent(
    client: PoolClient, acc: Accumulator, m: MachineRow, e: TelemetryEvent, andon: TelemetryEvent[],
  ): Promise<'applied' | 'duplicate' | 'late' | { reason: string }> {
    const at = Date.parse(e.sourceTimestamp);
    if (!m.last_event_at || at > m.last_event_at.getTime()) m.last_event_at = new Date(at);
    switch (e.type) {
      case 'machineState':
        return this.applyState(client, acc, m, e.state, at);
      case 'counters':
        return this.applyCounters(acc, m, e, at);
      case 'idealCycleTime':
        m.ideal_cycle_s = e.idealCycleTimeSeconds;
        m.product = e.productId;
        return 'applied';
      case 'andon':
        andon.push(e);
        if (e.action === 'raised') {
          m.andon_active = true;
          m.andon_colour = e.colour;
          m.andon_reason = e.reason;
        } else if (e.action === 'cleared') {
          m.andon_active = false;
        }
        return 'applied';
      default:
        // Shift calendars feed planned time in the OEE queries, not the rollups.
        return 'applied';
    }
  }

  private async applyState(client: PoolClient, acc: Accumulator, m: MachineRow, state: MachineState, at: number) {
    const micro = this.options.microStopSeconds;
    const inserted = await client.query(
      `INSERT INTO plant_state_transition (site, line, machine, at, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [m.site, m.line, m.machine, new Date(at), state],
    );
    if (inserted.rowCount === 0) {
      const existing = await client.query(
        'SELECT state FROM plant_state_transition WHERE site = $1 AND line = $2 AND machine = $3 AND at = $4',
        [m.site, m.line, m.machine, new Date(at)],
      );
      return existing.rows[0]?.state === state
        ? 'duplicate'
        : { reason: `state: conflicts with state ${existing.rows[0]?.state} already recorded at the same sourceTimestamp` };
    }
    const since = m.state_since?.getTime();
    if (since === undefined || at > since) {
      // In order: close the open interval, open a new one.
      if (m.state && since !== undefined) acc.interval(m, m.state, since, at, 1, micro);
      m.state = state;
      m.state_since = new Date(at);
      return 'applied';
    }
    // Late: the event splits a closed interval [prev, next) that was counted
    // as prev's state; re-count it as [prev, at) + [at, next).
    const where = 'site = $1 AND line = $2 AND machine = $3';
    const args = [m.site, m.line, m.machine, new Date(at)];
    const prev = await client.query(
      `SELECT at, state FROM plant_state_transition WHERE ${where} AND at < $4 ORDER BY at DESC LIMIT 1`,
      args,
    );
    const next = await client.query(
      `SELECT at FROM plant_state_transition WHERE ${where} AND at > $4 ORDER BY at ASC LIMIT 1`,
      args,
    );
    const nextAt: number = next.rows[0].at.getTime();
    if (prev.rows[0]) {
      const prevAt: number = prev.rows[0].at.getTime();
      const prevState: MachineState = prev.rows[0].state;
      acc.interval(m, prevState, prevAt, nextAt, -1, micro);
      acc.interval(m, prevState, prevAt, at, 1, micro);
    }
    acc.interval(m, state, at, nextAt, 1, micro);
    return 'late';
  }

  private applyCounters(acc: Accumulator, m: MachineRow, e: Extract<TelemetryEvent, { type: 'counters' }>, at: number) {
    const good = e.good;
    const last = m.counters_at?.getTime();
    if (last !== undefined && at < last) return 'late' as const; // cumulative: the next reading already holds it
    if (last === at) return 'duplicate' as const;
    if (last !== undefined) {
      const produced = delta(Number(m.total), e.total);
      const bucket = bucketOf(at);
      acc.add(m, bucket, 'produced', produced);
      const goodDelta = delta(Number(m.good), good);
      acc.add(m, bucket, 'good', goodDelta);
      acc.add(m, bucket, 'ideal_good_s', goodDelta * (m.ideal_cycle_s ?? 0));
      acc.add(m, bucket, 'reject', delta(Number(m.reject), e.reject));
      acc.add(m, bucket, 'ideal_s', produced * (m.ideal_cycle_s ?? 0));
    }
    m.total = String(e.total);
    m.good = String(good);
    m.reject = String(e.reject);
    m.counters_at = new Date(at);
    return 'applied' as const;
  }

  private async writeRollups(client: PoolClient, acc: Accumulator) {
    const rows = [...acc.rows.values()];
    for (const r of rows) {
      const { name } = monthPartition(r.bucket);
      if (!this.knownPartitions.has(name)) {
        await ensurePartition(client, r.bucket);
        this.knownPartitions.add(name);
      }
    }
    const cols = ['site', 'line', 'machine', 'bucket', ...COLUMNS];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map(r => {
        const vals = [...r.key, new Date(r.bucket), ...COLUMNS.map(c => r.v[c])];
        const start = params.length;
        params.push(...vals);
        return `(${vals.map((_, j) => `$${start + j + 1}`).join(', ')})`;
      });
      await client.query(
        `INSERT INTO plant_rollup_minute (${cols.join(', ')}) VALUES ${values.join(', ')}
         ON CONFLICT (site, line, machine, bucket) DO UPDATE SET
         ${COLUMNS.map(c => `${c} = plant_rollup_minute.${c} + EXCLUDED.${c}`).join(', ')}`,
        params,
      );
    }
  }

  private async writeMachines(client: PoolClient, rows: MachineRow[]) {
    for (const m of rows) {
      await client.query(
        `UPDATE plant_machine SET state = $4, state_since = $5, total = $6, good = $7, reject = $8,
           counters_at = $9, ideal_cycle_s = $10, product = $11, andon_active = $12, andon_colour = $13,
           andon_reason = $14, last_event_at = $15
         WHERE site = $1 AND line = $2 AND machine = $3`,
        [m.site, m.line, m.machine, m.state, m.state_since, m.total, m.good, m.reject, m.counters_at,
          m.ideal_cycle_s, m.product, m.andon_active, m.andon_colour, m.andon_reason, m.last_event_at],
      );
    }
  }

  private async writeAndon(client: PoolClient, events: TelemetryEvent[]) {
    for (const e of events) {
      if (e.type !== 'andon') continue;
      await client.query(
        `INSERT INTO plant_andon_event (site, line, machine, at, action, reason, colour)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [e.site, e.line, e.machine, new Date(e.sourceTimestamp), e.action, e.reason, e.colour],
      );
    }
  }
}

export { bucketOf };
