import { expiredBackups } from './retention';
import type { BackupManifest } from './types';

const at = (id: string, createdAt: string) => ({ id, createdAt }) as BackupManifest;

describe('expiredBackups (retention)', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const backups = [
    at('d', '2026-01-31T00:00:00Z'),
    at('c', '2026-01-20T00:00:00Z'),
    at('b', '2025-12-25T00:00:00Z'),
    at('a', '2025-12-01T00:00:00Z'),
  ];

  it('removes those beyond the newest N', () => {
    expect(expiredBackups(backups, { keep: 2, maxAgeDays: 365 }, now).map(m => m.id)).toEqual(['b', 'a']);
  });

  it('removes those older than the maximum age even within N', () => {
    expect(expiredBackups(backups, { keep: 10, maxAgeDays: 30 }, now).map(m => m.id)).toEqual(['b', 'a']);
    expect(expiredBackups(backups, { keep: 10, maxAgeDays: 5 }, now).map(m => m.id)).toEqual(['c', 'b', 'a']);
  });

  it('never removes the protected (new) backup, whatever its age or rank', () => {
    expect(expiredBackups(backups, { keep: 1, maxAgeDays: 0 }, now, 'c').map(m => m.id)).toEqual(['d', 'b', 'a']);
  });
});
