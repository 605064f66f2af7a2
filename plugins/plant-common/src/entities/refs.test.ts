import { sameEntityRef } from './refs';

describe('sameEntityRef', () => {
  it('ignores case, and a missing ref matches nothing', () => {
    expect(sameEntityRef('user:default/Ada', 'user:default/ada')).toBe(true);
    expect(sameEntityRef('user:default/ada', 'user:default/bob')).toBe(false);
    expect(sameEntityRef(undefined, 'user:default/ada')).toBe(false);
    expect(sameEntityRef(undefined, undefined)).toBe(false);
  });
});
