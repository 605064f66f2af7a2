import { compareAlerts, deriveStatus, normalizeSeverity, worstStatus } from './status';
import type { PlantAlert } from './types';

describe('worstStatus', () => {
  it('ranks down > degraded > unknown > ok and never lets unknown pass as ok', () => {
    expect(worstStatus(['ok', 'unknown'])).toBe('unknown');
    expect(worstStatus(['ok', 'degraded', 'unknown'])).toBe('degraded');
    expect(worstStatus(['down', 'degraded'])).toBe('down');
    expect(worstStatus(['ok', 'ok'])).toBe('ok');
    expect(worstStatus([])).toBe('unknown');
  });
});

describe('deriveStatus', () => {
  const p = (entityRef: string, status: any) => ({ entityRef, status });
  it('is down only when every part is down', () => {
    expect(deriveStatus([p('a', 'down'), p('b', 'down')]).status).toBe('down');
    expect(deriveStatus([p('a', 'down'), p('b', 'ok')]).status).toBe('degraded');
  });
  it('keeps an unknown part from turning the whole ok, and names it', () => {
    const r = deriveStatus([p('component:default/a', 'ok'), p('component:default/b', 'unknown')]);
    expect(r.status).toBe('unknown');
    expect(r.reasons).toEqual([
      expect.objectContaining({ entityRef: 'component:default/b', message: 'component:default/b is unknown' }),
    ]);
  });
  it('is ok when every part is ok, unknown without parts', () => {
    expect(deriveStatus([p('a', 'ok')])).toEqual({ status: 'ok', reasons: [] });
    expect(deriveStatus([]).status).toBe('unknown');
  });
});

describe('alerts', () => {
  const a = (id: string, severity: any, startsAt: string) => ({ id, severity, startsAt }) as PlantAlert;
  it('sorts by severity, then oldest first', () => {
    const sorted = [
      a('w-new', 'warning', '2026-01-01T10:00:00Z'),
      a('c', 'critical', '2026-01-01T11:00:00Z'),
      a('w-old', 'warning', '2026-01-01T09:00:00Z'),
      a('n', 'none', '2026-01-01T01:00:00Z'),
    ].sort(compareAlerts);
    expect(sorted.map(x => x.id)).toEqual(['c', 'w-old', 'w-new', 'n']);
  });
  it('maps unknown severities to none', () => {
    expect(normalizeSeverity('CRITICAL')).toBe('critical');
    expect(normalizeSeverity('bogus')).toBe('none');
    expect(normalizeSeverity(undefined)).toBe('none');
  });
});
