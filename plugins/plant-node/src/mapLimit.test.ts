import { mapLimit } from './mapLimit';

describe('mapLimit', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6, 2, 1, 3], 3, async n => {
      running++;
      most = Math.max(most, running);
      await new Promise(r => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60, 20, 10, 30]);
    expect(most).toBe(3);
  });

  it('throws the first error and starts no further item', async () => {
    const started: number[] = [];
    const failing = mapLimit([1, 2, 3, 4, 5, 6], 2, async n => {
      started.push(n);
      if (n === 2) throw new Error('item 2 failed');
      await new Promise(r => setTimeout(r, 5));
      return n;
    });
    await expect(failing).rejects.toThrow('item 2 failed');
    await new Promise(r => setTimeout(r, 30));
    expect(started).toEqual([1, 2]);
  });

  it('answers an empty list with an empty list', async () => {
    expect(await mapLimit([], 8, async () => 1)).toEqual([]);
  });
});
