import type { Pool, PoolClient } from 'pg';
import { counterDelta } from '@plantops/backstage-plugin-plant-common';
import { bucketOf, splitByMinute } from './buckets';
import { ensurePartition, monthPartition, ROLLUP_TABLES, RollupTable } from '../database/schema';
import type { ParsedEvent, TelemetryEvent, MachineState } from './types';
import { scanCounters, ScannedCounters } from './scanCounters';

/** Reused for every scanned message (one writer runs on one thread). */
const scratch: ScannedCounters = {
  site: '', line: '', machine: '', at: 0, total: 0, good: 0, reject: 0, startupReject: NaN,
};

/** One raw message from a source, with its position for idempotence. */
export interface SourceMessage {
  offset: string; // Kafka offset (decimal string)
  /** JSON text, or its UTF-8 bytes (decoded only when parsed, so the text dies young); null (a Kafka tombstone) is malformed. */
  value: string | Buffer | null;
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

export const COLUMNS = [
  'executing_s', 'idle_s', 'fault_s', 'micro_stop_s', 'setup_s', 'planned_downtime_s', 'no_shift_s',
  'produced', 'good', 'reject', 'ideal_s', 'ideal_good_s', 'startup_reject', 'ideal_startup_reject_s',
] as const;
type Column = (typeof COLUMNS)[number];
const COL = Object.fromEntries(COLUMNS.map((c, i) => [c, i])) as Record<Column, number>;
const COLUMN_TYPES = COLUMNS.map(c => (['produced', 'good', 'reject', 'startup_reject'].includes(c) ? 'bigint' : 'float8'));

/** Upserts the minute rows of `u` into one rollup table, summed into its buckets of `step` seconds. */
const upsert = (table: string, step: number) => {
  const b = step === 60 ? 'b' : `b - ((b % ${step}) + ${step}) % ${step}`;
  const sums = step === 60 ? COLUMNS.join(', ') : COLUMNS.map(c => `sum(${c})`).join(', ');
  return `INSERT INTO ${table} AS t (site, line, machine, bucket, ${COLUMNS.join(', ')})
    SELECT site, line, machine, to_timestamp(${b}), ${sums} FROM u
    ${step === 60 ? '' : `GROUP BY site, line, machine, ${b}`}
    ON CONFLICT (site, line, machine, bucket) DO UPDATE SET
    ${COLUMNS.map(c => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}`;
};

/** The batch's minute increments ($4: bucket start in epoch seconds) into the minute, hourly and daily rollups. */
const ROLLUP_SQL = `WITH u AS MATERIALIZED (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[],
    ${COLUMNS.map((_, i) => `$${i + 5}::${COLUMN_TYPES[i]}[]`).join(', ')})
    AS u(site, line, machine, b, ${COLUMNS.join(', ')})
), minute AS (${upsert('plant_rollup_minute', 60)}
), hour AS (${upsert('plant_rollup_hour', 3600)})
${upsert('plant_rollup_day', 86400)}`;

/** A text as an element of a PostgreSQL array literal. */
const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
const literalCache = new WeakMap<object, [string, string, string]>();
/** A machine's site, line and name as array literal elements, quoted once per batch. */
function literals(m: { site: string; line: string; machine: string }) {
  let l = literalCache.get(m);
  if (!l) literalCache.set(m, (l = [quote(m.site), quote(m.line), quote(m.machine)]));
  return l;
}

/** A plant_machine row while a batch works on it; counters and their times as numbers (ms). */
interface MachineRow {
  site: string; line: string; machine: string;
  state: MachineState | null; state_since: Date | null;
  total: number | null; good: number | null; reject: number | null; startup_reject: number | null;
  counters_at: number | null;
  ideal_cycle_s: number | null; product: string | null;
  andon_active: boolean; andon_colour: string | null; andon_reason: string | null;
  last_event_at: number | null;
}

type MachineId = { site: string; line: string; machine: string };

/** Values by site, line and machine name, found without building a key per event. */
class MachineIndex<T> {
  private readonly sites = new Map<string, Map<string, Map<string, T>>>();

  get(site: string, line: string, machine: string): T | undefined {
    return this.sites.get(site)?.get(line)?.get(machine);
  }

  set(id: MachineId, value: T) {
    let lines = this.sites.get(id.site);
    if (!lines) this.sites.set(id.site, (lines = new Map()));
    let machines = lines.get(id.line);
    if (!machines) lines.set(id.line, (machines = new Map()));
    machines.set(id.machine, value);
  }
}

/**
 * A batch's events in arrival order, staged while the batch waits for its
 * machine rows: counter readings (most events) as numbers in columns, the
 * other events as objects. Parsed counter objects are dropped at once, so
 * they die young instead of being copied by every scavenge while the
 * transaction awaits the database, which was much of the writer's CPU.
 */
class StagedEvents {
  /** The batch's machines; `slot` indexes them. */
  readonly machines: MachineId[] = [];
  readonly slot: Int32Array;
  readonly at: Float64Array;
  readonly total: Float64Array;
  readonly good: Float64Array;
  readonly reject: Float64Array;
  /** NaN when the reading has no startupReject. */
  readonly startupReject: Float64Array;
  /** -1 for a counter reading, else the index in `others`. */
  readonly other: Int32Array;
  readonly others: TelemetryEvent[] = [];
  length = 0;
  private readonly slots = new MachineIndex<number>();
  private last?: MachineId & { slot: number };

  constructor(capacity: number) {
    this.slot = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.total = new Float64Array(capacity);
    this.good = new Float64Array(capacity);
    this.reject = new Float64Array(capacity);
    this.startupReject = new Float64Array(capacity);
    this.other = new Int32Array(capacity);
  }

  add(e: TelemetryEvent) {
    if (e.type === 'counters') {
      this.addCounters(e.site, e.line, e.machine, Date.parse(e.sourceTimestamp), e.total, e.good, e.reject,
        e.startupReject ?? NaN);
      return;
    }
    const i = this.length++;
    this.slot[i] = this.slotOf(e.site, e.line, e.machine);
    this.at[i] = Date.parse(e.sourceTimestamp);
    this.other[i] = this.others.push(e) - 1;
  }

  /** A counter reading; `startupReject` NaN when it has none. */
  addCounters(
    site: string, line: string, machine: string, at: number,
    total: number, good: number, reject: number, startupReject: number,
  ) {
    const i = this.length++;
    this.slot[i] = this.slotOf(site, line, machine);
    this.at[i] = at;
    this.other[i] = -1;
    this.total[i] = total;
    this.good[i] = good;
    this.reject[i] = reject;
    this.startupReject[i] = startupReject;
  }

  private slotOf(site: string, line: string, machine: string) {
    const last = this.last;
    if (last && last.machine === machine && last.line === line && last.site === site) return last.slot;
    let slot = this.slots.get(site, line, machine);
    if (slot === undefined) {
      const id = { site, line, machine };
      slot = this.machines.push(id) - 1;
      this.slots.set(id, slot);
    }
    this.last = { site, line, machine, slot };
    return slot;
  }
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

interface RollupRow { m: MachineRow; bucket: number; v: Float64Array }

/** Rollup increments of one batch, per machine and minute (keyed by the machine's row object). */
class Accumulator {
  readonly byMachine = new Map<MachineRow, Map<number, RollupRow>>();
  // Per batch slot, the minute its last reading went to: readings come in
  // time order, so most go to the same one and skip both map lookups.
  private readonly lastBucket: Float64Array;
  private readonly lastValues: Float64Array[];

  constructor(slots: number) {
    this.lastBucket = new Float64Array(slots).fill(NaN);
    this.lastValues = new Array(slots);
  }

  /** `values(m, bucket)` for the machine in batch slot `slot`. */
  valuesAt(slot: number, m: MachineRow, bucket: number): Float64Array {
    if (this.lastBucket[slot] === bucket) return this.lastValues[slot];
    const v = this.values(m, bucket);
    this.lastBucket[slot] = bucket;
    this.lastValues[slot] = v;
    return v;
  }

  add(m: MachineRow, bucket: number, col: Column, amount: number) {
    if (amount !== 0) this.values(m, bucket)[COL[col]] += amount;
  }

  /** The increments of one machine and minute, to add to in place. */
  values(m: MachineRow, bucket: number): Float64Array {
    let buckets = this.byMachine.get(m);
    if (!buckets) this.byMachine.set(m, (buckets = new Map()));
    let row = buckets.get(bucket);
    if (!row) buckets.set(bucket, (row = { m, bucket, v: new Float64Array(COLUMNS.length) }));
    return row.v;
  }

  /** Adds (sign 1) or removes (sign -1) a closed state interval. */
  interval(m: MachineRow, state: MachineState, from: number, to: number, sign: 1 | -1, microStopS: number) {
    if (to <= from) return;
    const col = columnFor(state, (to - from) / 1000, microStopS);
    for (const [bucket, s] of splitByMinute(from, to)) this.add(m, bucket, col, sign * s);
  }

  /** The minute rows. */
  rows(): RollupRow[] {
    const out: RollupRow[] = [];
    for (const buckets of this.byMachine.values()) for (const r of buckets.values()) out.push(r);
    return out;
  }
}

const key = (e: { site: string; line: string; machine: string }) =>
  `${e.site}\u0000${e.line}\u0000${e.machine}`;

/** A machineState event waiting for the batch's transitions to be written. */
interface PendingState { m: MachineRow; e: TelemetryEvent; state: MachineState; at: number }

const DEAD_CONFLICT = (existing: string) =>
  `state: conflicts with state ${existing} already recorded at the same sourceTimestamp`;

/**
 * Applies telemetry to per-minute, hourly and daily rollups. Each batch runs
 * in one transaction that also advances the source's stored offset, so a
 * crash at any point neither loses nor double counts a message: a
 * redelivered message is below the stored offset and skipped.
 *
 * Writes are set-based: a fixed number of statements per batch (one per
 * table, arrays passed through `unnest`), whatever the number of events.
 * Counter readings in their usual form are read straight from the message
 * bytes (`scanCounters`); every other message goes through `parse`.
 */
export class RollupWriter {
  /** Partitions seen recently; forgotten after a while, as retention may drop one. */
  private readonly knownPartitions = new Map<string, number>();
  /**
   * Partitions each open transaction made sure of. They count as known only
   * once it commits: before that, other transactions cannot see a partition
   * it created, and must wait on the parent's lock in ensurePartition.
   */
  private readonly pendingPartitions = new Map<PoolClient, string[]>();

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
    const staged = new StagedEvents(events.length);
    for (const e of events) staged.add(e);
    return this.inTransaction(client => this.applyStaged(client, source, 'event', staged, []));
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const partitions: string[] = [];
    this.pendingPartitions.set(client, partitions);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      const until = Date.now() + 600_000;
      for (const name of partitions) this.knownPartitions.set(name, until);
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      this.pendingPartitions.delete(client);
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
    // Creates and locks the partition's offset row in one statement.
    const stored = await client.query(
      `INSERT INTO plant_ingest_offset (source, partition, next_offset) VALUES ($1, $2, 0)
       ON CONFLICT (source, partition) DO UPDATE SET next_offset = plant_ingest_offset.next_offset
       RETURNING next_offset`,
      [source, partition],
    );
    const next = BigInt(stored.rows[0].next_offset);
    // Offsets ascend within a batch: usually all of it is new.
    const fresh = messages.length > 0 && BigInt(messages[0].offset) >= next
      ? messages : messages.filter(m => BigInt(m.offset) >= next);
    result.skippedAlreadyCommitted = messages.length - fresh.length;
    if (fresh.length === 0) return result;

    const staged = new StagedEvents(fresh.length);
    const dead: { position: string; raw: string; reason: string }[] = [];
    const c = scratch;
    for (const m of fresh) {
      const value = m.value ?? '';
      if (typeof value !== 'string' && scanCounters(value, c)) {
        staged.addCounters(c.site, c.line, c.machine, c.at, c.total, c.good, c.reject, c.startupReject);
        continue;
      }
      const raw = typeof value === 'string' ? value : value.toString('utf8');
      const parsed = this.parse(raw);
      if (parsed.ok) staged.add(parsed.event);
      else dead.push({ position: `${partition}:${m.offset}`, raw, reason: parsed.reason });
    }

    const applied = await this.applyStaged(client, source, String(partition), staged, dead);
    Object.assign(result, { ...applied, skippedAlreadyCommitted: result.skippedAlreadyCommitted });
    const last = BigInt(fresh[fresh.length - 1].offset) + 1n;
    await client.query(
      'UPDATE plant_ingest_offset SET next_offset = $3 WHERE source = $1 AND partition = $2',
      [source, partition, last.toString()],
    );
    return result;
  }

  private async applyStaged(
    client: PoolClient, source: string, position: string, staged: StagedEvents,
    dead: { position: string; raw: string; reason: string }[],
  ): Promise<BatchResult> {
    const result = emptyResult();
    const rows = await this.lockMachines(client, staged.machines);
    const acc = new Accumulator(rows.length);
    const andon: Extract<TelemetryEvent, { type: 'andon' }>[] = [];
    const states: PendingState[] = [];
    for (let i = 0; i < staged.length; i++) {
      const m = rows[staged.slot[i]];
      const at = staged.at[i];
      if (m.last_event_at === null || at > m.last_event_at) m.last_event_at = at;
      const other = staged.other[i];
      if (other < 0) {
        const outcome = this.applyCounters(acc, m, staged, i, staged.slot[i]);
        if (outcome === 'duplicate') result.duplicates++;
        else if (outcome === 'late') { result.late++; result.applied++; }
        else result.applied++;
        continue;
      }
      const e = staged.others[other];
      switch (e.type) {
        case 'machineState':
          states.push({ m, e, state: e.state, at });
          continue; // counted once the transitions are written
        case 'idealCycleTime':
          m.ideal_cycle_s = e.idealCycleTimeSeconds;
          m.product = e.productId;
          break;
        case 'andon':
          andon.push(e);
          if (e.action === 'raised') {
            m.andon_active = true;
            m.andon_colour = e.colour;
            m.andon_reason = e.reason;
          } else if (e.action === 'cleared') {
            m.andon_active = false;
          }
          break;
        default:
          // Shift calendars feed planned time in the OEE queries, not the rollups.
          break;
      }
      result.applied++;
    }
    await this.applyStates(client, acc, states, result, dead, position);
    const lines = new Map<string, { site: string; line: string }>();
    for (const m of rows) lines.set(`${m.site}\u0000${m.line}`, { site: m.site, line: m.line });

    await this.writeRollups(client, acc);
    await this.writeMachines(client, rows);
    await this.writeAndon(client, andon);
    if (dead.length > 0) {
      await client.query(
        `INSERT INTO plant_dead_letter (source, position, raw, reason)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])`,
        [source, dead.map(d => d.position), dead.map(d => d.raw), dead.map(d => d.reason)],
      );
    }
    result.deadLettered = dead.length;
    result.lines = [...lines.values()];
    result.andonRaised = andon
      .filter(e => e.action === 'raised')
      .map(e => ({ site: e.site, line: e.line, machine: e.machine }));
    return result;
  }

  /** Locks (creating if needed) the machines' rows; returns them in the order of `list`. */
  private async lockMachines(client: PoolClient, list: MachineId[]): Promise<MachineRow[]> {
    if (list.length === 0) return [];
    const params = [list.map(e => e.site), list.map(e => e.line), list.map(e => e.machine)];
    let rows = await this.selectMachines(client, params);
    if (rows.length < list.length) {
      // New machines (rare after the first batches): create them in key order
      // (as the lock below takes them, so writers never wait on each other in a cycle), then lock all.
      await client.query(
        `INSERT INTO plant_machine (site, line, machine)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING`,
        params,
      );
      rows = await this.selectMachines(client, params);
    }
    const byId = new MachineIndex<MachineRow>();
    for (const row of rows) byId.set(row, row);
    return list.map(id => byId.get(id.site, id.line, id.machine)!);
  }

  private async selectMachines(client: PoolClient, params: string[][]): Promise<MachineRow[]> {
    const ms = (c: string) => `(extract(epoch FROM ${c}) * 1000)::float8 AS ${c}`;
    const r = await client.query<MachineRow>(
      `SELECT site, line, machine, state, state_since, total::float8 AS total, good::float8 AS good,
         reject::float8 AS reject, startup_reject::float8 AS startup_reject, ${ms('counters_at')},
         ideal_cycle_s, product, andon_active, andon_colour, andon_reason, ${ms('last_event_at')}
       FROM plant_machine WHERE (site, line, machine) IN
         (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
       ORDER BY site, line, machine FOR UPDATE`,
      params,
    );
    return r.rows;
  }

  /**
   * Writes the batch's state transitions in one statement, then counts the
   * intervals they close. A transition older than the machine's current
   * state (late) splits intervals already counted: those are taken out and
   * the merged sequence counted again, so any arrival order gives the same
   * rollups.
   */
  private async applyStates(
    client: PoolClient, acc: Accumulator, states: PendingState[], result: BatchResult,
    dead: { position: string; raw: string; reason: string }[], position: string,
  ) {
    if (states.length === 0) return;
    const deadLetter = (p: PendingState, reason: string) =>
      dead.push({ position: `${position}:${p.e.eventId ?? ''}`, raw: JSON.stringify(p.e), reason });
    // The same machine and time twice in one batch: the first one wins.
    const unique = new Map<string, PendingState>();
    const repeats: PendingState[] = [];
    for (const p of states) {
      const k = `${key(p.m)}\u0000${p.at}`;
      if (unique.has(k)) repeats.push(p);
      else unique.set(k, p);
    }
    const candidates = [...unique.values()];
    const inserted = await client.query<{ site: string; line: string; machine: string; at: Date }>(
      `INSERT INTO plant_state_transition (site, line, machine, at, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
       ON CONFLICT DO NOTHING RETURNING site, line, machine, at`,
      [candidates.map(p => p.m.site), candidates.map(p => p.m.line), candidates.map(p => p.m.machine),
        candidates.map(p => new Date(p.at)), candidates.map(p => p.state)],
    );
    const isNew = new Set(inserted.rows.map(r => `${key(r)}\u0000${r.at.getTime()}`));
    const known = candidates.filter(p => !isNew.has(`${key(p.m)}\u0000${p.at}`));
    const existing = new Map<string, string>();
    if (known.length > 0) {
      const r = await client.query<{ site: string; line: string; machine: string; at: Date; state: string }>(
        `SELECT site, line, machine, at, state FROM plant_state_transition
         WHERE (site, line, machine, at) IN
           (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]))`,
        [known.map(p => p.m.site), known.map(p => p.m.line), known.map(p => p.m.machine), known.map(p => new Date(p.at))],
      );
      for (const row of r.rows) existing.set(`${key(row)}\u0000${row.at.getTime()}`, row.state);
    }
    for (const p of known) {
      const was = existing.get(`${key(p.m)}\u0000${p.at}`);
      if (was === p.state) result.duplicates++;
      else deadLetter(p, DEAD_CONFLICT(String(was)));
    }
    for (const p of repeats) {
      const first = unique.get(`${key(p.m)}\u0000${p.at}`)!;
      const was = isNew.has(`${key(p.m)}\u0000${p.at}`) ? first.state : existing.get(`${key(p.m)}\u0000${p.at}`);
      if (was === p.state) result.duplicates++;
      else deadLetter(p, DEAD_CONFLICT(String(was)));
    }

    // New transitions per machine; late ones are counted by arrival order, as they came.
    const byMachine = new Map<MachineRow, PendingState[]>();
    const since = new Map<MachineRow, number | undefined>();
    for (const p of candidates) {
      if (!isNew.has(`${key(p.m)}\u0000${p.at}`)) continue;
      let list = byMachine.get(p.m);
      if (!list) {
        byMachine.set(p.m, (list = []));
        since.set(p.m, p.m.state_since?.getTime());
      }
      list.push(p);
      const s = since.get(p.m);
      result.applied++;
      if (s === undefined || p.at > s) since.set(p.m, p.at);
      else result.late++;
    }

    const micro = this.options.microStopSeconds;
    const withLate: MachineRow[] = [];
    for (const [m, list] of byMachine) {
      list.sort((a, b) => a.at - b.at);
      const s0 = m.state_since?.getTime();
      if (s0 !== undefined && list[0].at < s0) {
        withLate.push(m);
        continue;
      }
      // All in order: close the open interval, then each new one but the last.
      let fromAt = s0;
      let fromState = m.state;
      for (const p of list) {
        if (fromAt !== undefined && fromState) acc.interval(m, fromState, fromAt, p.at, 1, micro);
        fromAt = p.at;
        fromState = p.state;
      }
      m.state = fromState;
      m.state_since = new Date(fromAt!);
    }
    if (withLate.length === 0) return;

    // Late: read each machine's transitions from the one before its earliest
    // new transition, take out the intervals counted between the old ones and
    // count the merged sequence.
    const lows = withLate.map(m => new Date(byMachine.get(m)![0].at));
    const r = await client.query<{ site: string; line: string; machine: string; at: Date; state: MachineState }>(
      `SELECT t.site, t.line, t.machine, t.at, t.state
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS u(site, line, machine, lo)
       JOIN plant_state_transition t ON t.site = u.site AND t.line = u.line AND t.machine = u.machine
         AND t.at >= coalesce((SELECT max(p.at) FROM plant_state_transition p
           WHERE p.site = u.site AND p.line = u.line AND p.machine = u.machine AND p.at < u.lo), u.lo)
       ORDER BY t.site, t.line, t.machine, t.at`,
      [withLate.map(m => m.site), withLate.map(m => m.line), withLate.map(m => m.machine), lows],
    );
    const rows = new Map<MachineRow, { at: number; state: MachineState; isNew: boolean }[]>();
    const byKey = new Map(withLate.map(m => [key(m), m]));
    for (const row of r.rows) {
      const m = byKey.get(key(row))!;
      const at = row.at.getTime();
      let list = rows.get(m);
      if (!list) rows.set(m, (list = []));
      list.push({ at, state: row.state, isNew: isNew.has(`${key(m)}\u0000${at}`) });
    }
    for (const [m, merged] of rows) {
      const old = merged.filter(t => !t.isNew);
      for (let i = 0; i + 1 < old.length; i++) acc.interval(m, old[i].state, old[i].at, old[i + 1].at, -1, micro);
      for (let i = 0; i + 1 < merged.length; i++) acc.interval(m, merged[i].state, merged[i].at, merged[i + 1].at, 1, micro);
      const lastT = merged[merged.length - 1];
      m.state = lastT.state;
      m.state_since = new Date(lastT.at);
    }
  }

  /** Applies the counter reading `i` of the batch. */
  private applyCounters(acc: Accumulator, m: MachineRow, staged: StagedEvents, i: number, slot: number) {
    const at = staged.at[i];
    const startupReject = staged.startupReject[i];
    const e = {
      total: staged.total[i], good: staged.good[i], reject: staged.reject[i],
      startupReject: Number.isNaN(startupReject) ? undefined : startupReject,
    };
    const last = m.counters_at;
    if (last !== null && at < last) return 'late' as const; // cumulative: the next reading already holds it
    if (last === at) return 'duplicate' as const;
    if (last !== null) {
      const prev = {
        total: m.total ?? 0, good: m.good ?? 0, reject: m.reject ?? 0,
        startupReject: m.startup_reject ?? undefined,
      };
      const { delta } = counterDelta(prev, e);
      const ideal = m.ideal_cycle_s ?? 0;
      const startup = delta.startupReject ?? 0;
      const v = acc.valuesAt(slot, m, bucketOf(at));
      v[COL.produced] += delta.total;
      v[COL.good] += delta.good;
      v[COL.reject] += delta.reject;
      v[COL.startup_reject] += startup;
      v[COL.ideal_s] += delta.total * ideal;
      v[COL.ideal_good_s] += delta.good * ideal;
      v[COL.ideal_startup_reject_s] += startup * ideal;
    }
    m.total = e.total;
    m.good = e.good;
    m.reject = e.reject;
    m.startup_reject = e.startupReject ?? null;
    m.counters_at = at;
    return 'applied' as const;
  }

  /**
   * One statement for the three tables: the minute increments go in once,
   * as one array literal per column (pg's own array encoding quotes every
   * element and was the writer's largest JavaScript cost), and PostgreSQL
   * sums them into the hourly and daily rows.
   */
  private async writeRollups(client: PoolClient, acc: Accumulator) {
    const rows = acc.rows();
    if (rows.length === 0) return;
    // Every partition before any insert: a transaction creating one then holds no lock on the other tables.
    for (const { table } of ROLLUP_TABLES) await this.ensurePartitions(client, table, rows);
    const sites: string[] = [];
    const lines: string[] = [];
    const machines: string[] = [];
    const buckets: number[] = [];
    const values: number[][] = COLUMNS.map(() => []);
    for (const r of rows) {
      const lit = literals(r.m);
      sites.push(lit[0]);
      lines.push(lit[1]);
      machines.push(lit[2]);
      buckets.push(r.bucket / 1000);
      for (let i = 0; i < COLUMNS.length; i++) values[i].push(r.v[i]);
    }
    await client.query(ROLLUP_SQL, [sites, lines, machines, buckets, ...values].map(a => `{${a.join(',')}}`));
  }

  private async ensurePartitions(client: PoolClient, table: RollupTable, rows: RollupRow[]) {
    const months = new Map<string, number>();
    const now = Date.now();
    const days = new Set<number>();
    for (const r of rows) days.add(Math.floor(r.bucket / 86_400_000));
    for (const day of days) {
      const { name } = monthPartition(day * 86_400_000, table);
      if ((this.knownPartitions.get(name) ?? 0) < now && !months.has(name)) months.set(name, day * 86_400_000);
    }
    for (const [name, ms] of months) {
      await ensurePartition(client, ms, table);
      this.pendingPartitions.get(client)?.push(name);
    }
  }

  private async writeMachines(client: PoolClient, rows: MachineRow[]) {
    if (rows.length === 0) return;
    const col = <K extends keyof MachineRow>(k: K) => rows.map(m => m[k]);
    const date = (k: 'counters_at' | 'last_event_at') => rows.map(m => (m[k] === null ? null : new Date(m[k]!)));
    await client.query(
      `UPDATE plant_machine AS p SET state = u.state, state_since = u.state_since, total = u.total, good = u.good,
         reject = u.reject, startup_reject = u.startup_reject, counters_at = u.counters_at,
         ideal_cycle_s = u.ideal_cycle_s, product = u.product, andon_active = u.andon_active,
         andon_colour = u.andon_colour, andon_reason = u.andon_reason, last_event_at = u.last_event_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[],
         $8::bigint[], $9::bigint[], $10::timestamptz[], $11::float8[], $12::text[], $13::bool[], $14::text[],
         $15::text[], $16::timestamptz[])
         AS u(site, line, machine, state, state_since, total, good, reject, startup_reject, counters_at,
           ideal_cycle_s, product, andon_active, andon_colour, andon_reason, last_event_at)
       WHERE p.site = u.site AND p.line = u.line AND p.machine = u.machine`,
      [col('site'), col('line'), col('machine'), col('state'), col('state_since'), col('total'), col('good'),
        col('reject'), col('startup_reject'), date('counters_at'), col('ideal_cycle_s'), col('product'),
        col('andon_active'), col('andon_colour'), col('andon_reason'), date('last_event_at')],
    );
  }

  private async writeAndon(client: PoolClient, events: Extract<TelemetryEvent, { type: 'andon' }>[]) {
    if (events.length === 0) return;
    await client.query(
      `INSERT INTO plant_andon_event (site, line, machine, at, action, reason, colour)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT DO NOTHING`,
      [events.map(e => e.site), events.map(e => e.line), events.map(e => e.machine),
        events.map(e => new Date(e.sourceTimestamp)), events.map(e => e.action), events.map(e => e.reason),
        events.map(e => e.colour)],
    );
  }
}

export { bucketOf };
