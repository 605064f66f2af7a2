import type { Entity } from '@backstage/catalog-model';
import { BatchedEntityLookup } from './BatchedEntityLookup';

const entity = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name } });

describe('BatchedEntityLookup', () => {
  // An in-memory catalog that answers like getEntitiesByRefs (items in ref order, undefined when absent).
  const known = new Map(['resource:default/a', 'resource:default/b', 'resource:default/c'].map(r => [r, entity(r.split('/')[1])]));
  const calls: string[][] = [];
  const byRefs = async (refs: string[]) => {
    calls.push(refs);
    await new Promise(r => setTimeout(r, 20));
    return refs.map(r => known.get(r));
  };

  beforeEach(() => {
    calls.length = 0;
  });

  it('sends the refs asked for while a request is in flight together in the next one', async () => {
    const lookup = new BatchedEntityLookup(byRefs);
    const results = await Promise.all([
      lookup.get(['resource:default/a']),
      lookup.get(['resource:default/b', 'resource:default/missing']),
      lookup.get(['resource:default/c', 'resource:default/a']),
      lookup.get(['resource:default/b']),
    ]);
    expect(calls).toEqual([
      ['resource:default/a'],
      ['resource:default/b', 'resource:default/missing', 'resource:default/c', 'resource:default/a'],
    ]);
    expect(results.map(found => [...found.keys()].sort())).toEqual([
      ['resource:default/a'],
      ['resource:default/a', 'resource:default/b', 'resource:default/c'],
      ['resource:default/a', 'resource:default/b', 'resource:default/c'],
      ['resource:default/a', 'resource:default/b', 'resource:default/c'],
    ]);
    expect(results[1].get('resource:default/b')?.metadata.name).toBe('b');
    expect(results[1].has('resource:default/missing')).toBe(false);
  });

  it('caps a request at maxRefs and fails only the callers of a failed request', async () => {
    let fail = true;
    const lookup = new BatchedEntityLookup(async refs => {
      if (refs.includes('resource:default/c') && fail) {
        fail = false;
        throw new Error('catalog busy');
      }
      return byRefs(refs);
    }, 2);
    const [a, bc, c] = await Promise.allSettled([
      lookup.get(['resource:default/a']),
      lookup.get(['resource:default/b', 'resource:default/c']),
      lookup.get(['resource:default/c']),
    ]);
    expect(a).toMatchObject({ status: 'fulfilled' });
    expect(bc).toMatchObject({ status: 'rejected', reason: new Error('catalog busy') });
    expect(c).toMatchObject({ status: 'fulfilled' });
    expect((c as PromiseFulfilledResult<Map<string, Entity>>).value.get('resource:default/c')?.metadata.name).toBe('c');
    expect(calls).toEqual([['resource:default/a'], ['resource:default/c']]);
  });
});
