import { TONES } from '../PlantOverview/states';
import {
  STALE_AFTER_MS,
  SiteRow,
  buildSiteRows,
  statusColour,
  statusRank,
} from './siteRows';
import { allEntities, machineAt, plantA, plantB, plantC } from './testData';

const now = new Date('2024-05-08T08:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const rowOf = (rows: SiteRow[], name: string) =>
  rows.find(r => r.name === name)!;

describe('buildSiteRows', () => {
  it('gives each Site its catalog facts and links', () => {
    const { rows } = buildSiteRows(allEntities, [], now);
    expect(rows.map(r => r.title)).toEqual([
      'IIP Plant B',
      'MS5.0 Plant A',
      'plant-c',
    ]);
    const a = rowOf(rows, 'ms5-plant-a');
    expect(a).toMatchObject({
      id: 'site:default/ms5-plant-a',
      type: 'edge-site',
      region: 'eu-central',
      plantCode: 'MS5-A',
      timezone: 'Europe/Berlin',
      timezoneKnown: true,
      edgeDevice: {
        label: 'ms5-edge-jetson',
        ref: {
          kind: 'resource',
          namespace: 'default',
          name: 'ms5-edge-jetson',
        },
      },
      cluster: { label: 'ms5-edge-k3s' },
    });
    // a site in another namespace resolves its refs there
    expect(rowOf(rows, 'plant-c').cluster?.ref).toEqual({
      kind: 'resource',
      namespace: 'emea',
      name: 'plant-c-k3s',
    });
    expect(rowOf(rows, 'iip-plant-b').cluster).toBeUndefined();
  });

  it('joins the lines a site names with the lines that name the site', () => {
    const { rows } = buildSiteRows(allEntities, [], now);
    // sorted by label; a line the site names but the catalog lacks still shows
    expect(rowOf(rows, 'ms5-plant-a').lines).toEqual([
      {
        label: 'ms5-plant-a-retired',
        ref: {
          kind: 'productionline',
          namespace: 'default',
          name: 'ms5-plant-a-retired',
        },
        inCatalog: false,
      },
      {
        label: 'Plant A filling line',
        ref: {
          kind: 'ProductionLine',
          namespace: 'default',
          name: 'ms5-plant-a-filling',
        },
        inCatalog: true,
      },
      {
        label: 'Plant A packaging line',
        ref: {
          kind: 'ProductionLine',
          namespace: 'default',
          name: 'ms5-plant-a-packaging',
        },
        inCatalog: true,
      },
    ]);
    expect(rowOf(rows, 'iip-plant-b').lines.map(l => l.label)).toEqual([
      'Plant B machining line',
    ]);
    expect(rowOf(rows, 'plant-c').lines.map(l => l.ref?.namespace)).toEqual([
      'emea',
    ]);
  });

  it('is live within 2 minutes, in the worst colour of the fresh machines', () => {
    const { rows } = buildSiteRows(
      allEntities,
      [
        machineAt(
          'ms5-plant-a',
          'ms5-plant-a-filling',
          'filler',
          'Executing',
          ago(5_000),
        ),
        machineAt(
          'ms5-plant-a',
          'ms5-plant-a-filling',
          'capper',
          'Idle',
          ago(STALE_AFTER_MS),
          'no caps',
        ),
        // silent for 10 min: its old Fault no longer counts as the site's state
        machineAt(
          'ms5-plant-a',
          'ms5-plant-a-filling',
          'labeller',
          'Fault',
          ago(600_000),
        ),
      ],
      now,
    );
    const a = rowOf(rows, 'ms5-plant-a');
    expect(a.status).toEqual({
      kind: 'live',
      tone: 'waiting',
      worstState: 'Idle',
      reporting: 2,
      known: 5,
      lastHeartbeat: ago(5_000),
    });
    expect(statusColour(a.status)).toEqual({
      colour: TONES.waiting.colour,
      name: 'amber',
    });
    expect(a.andonActive).toBe(1);
    expect(a.andonCalls).toEqual(['ms5-plant-a-filling/capper: no caps']);
  });

  it('is stale, never ok, when the newest event is over 2 minutes old', () => {
    const { rows } = buildSiteRows(
      allEntities,
      [
        machineAt(
          'iip-plant-b',
          'iip-plant-b-machining',
          'cnc-1',
          'Executing',
          ago(STALE_AFTER_MS + 1_000),
        ),
        machineAt(
          'iip-plant-b',
          'iip-plant-b-machining',
          'cnc-2',
          'Executing',
          ago(3_600_000),
        ),
      ],
      now,
    );
    const b = rowOf(rows, 'iip-plant-b');
    expect(b.status).toEqual({
      kind: 'stale',
      reporting: 0,
      known: 2,
      lastHeartbeat: ago(STALE_AFTER_MS + 1_000),
    });
    expect(statusColour(b.status).name).toBe('amber');
    expect(b.statusLabel).toBe('stale');
  });

  it('is stale when no machine says when it last reported', () => {
    const { rows } = buildSiteRows(
      allEntities,
      [
        machineAt(
          'iip-plant-b',
          'iip-plant-b-machining',
          'cnc-1',
          'Executing',
          null,
        ),
      ],
      now,
    );
    expect(rowOf(rows, 'iip-plant-b').status).toEqual({
      kind: 'stale',
      reporting: 0,
      known: 2,
      lastHeartbeat: undefined,
    });
  });

  it('shows no telemetry in red for a site without machines', () => {
    const { rows } = buildSiteRows(allEntities, [], now);
    const c = rowOf(rows, 'plant-c');
    expect(c.status).toEqual({ kind: 'no-telemetry', reporting: 0, known: 1 });
    expect(statusColour(c.status)).toEqual({
      colour: TONES.down.colour,
      name: 'red',
    });
    expect(c.andonActive).toBe(0);
  });

  it('marks every site unavailable, not ok, when the machines cannot be read', () => {
    const model = buildSiteRows(allEntities, new Error('backend down'), now);
    expect(model.telemetryProblem).toBe('backend down');
    for (const row of model.rows) {
      expect(row.status.kind).toBe('unavailable');
      expect(row.andonActive).toBeUndefined();
    }
  });

  it('lists telemetry sites that have no Site entity', () => {
    const { unknownSites } = buildSiteRows(
      [plantA, plantB, plantC],
      [
        machineAt('ghost', 'l', 'm', 'Executing', now),
        machineAt('ms5-plant-a', 'l', 'm', 'Executing', now),
      ],
      now,
    );
    expect(unknownSites).toEqual(['ghost']);
  });

  it('sorts what needs attention first', () => {
    const rank = (status: Parameters<typeof statusRank>[0]) =>
      statusRank(status);
    const live = (tone: 'down' | 'running' | 'planned') =>
      rank({
        kind: 'live',
        tone,
        worstState: '',
        reporting: 1,
        known: 1,
        lastHeartbeat: now,
      });
    expect(rank({ kind: 'no-telemetry', reporting: 0, known: 0 })).toBeLessThan(
      rank({ kind: 'stale', reporting: 0, known: 0 }),
    );
    expect(rank({ kind: 'stale', reporting: 0, known: 0 })).toBeLessThan(
      live('down'),
    );
    expect(live('down')).toBeLessThan(live('running'));
    expect(live('running')).toBeLessThan(live('planned'));
  });

  it('keeps a malformed spec visible instead of failing the page', () => {
    const broken = {
      ...plantB,
      metadata: { name: 'broken' },
      spec: {
        type: 'plant',
        timezone: 'Mars/Olympus',
        edgeDevice: 'resource:default/',
      },
    };
    const { rows } = buildSiteRows([broken], [], now);
    expect(rows[0]).toMatchObject({
      region: '—',
      plantCode: '—',
      timezone: 'Mars/Olympus',
      timezoneKnown: false,
      edgeDevice: { label: 'resource:default/' },
      lines: [],
    });
    expect(rows[0].edgeDevice?.ref).toBeUndefined();
  });
});
