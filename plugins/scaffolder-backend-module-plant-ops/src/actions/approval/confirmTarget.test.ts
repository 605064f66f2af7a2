import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createConfirmTargetAction } from './confirmTarget';

describe('plant:approval:confirm-target', () => {
  const run = (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({ input: input as any });
    return createConfirmTargetAction().handler(ctx as any).then(() => ctx);
  };

  it("passes when the typed name is the target's name", async () => {
    const ctx = await run({ entityRef: 'resource:default/ms5-postgres-primary', typedName: ' ms5-postgres-primary ' });
    expect(ctx.output).toHaveBeenCalledWith('name', 'ms5-postgres-primary');
  });

  it('refuses another name, or none, saying what to type', async () => {
    await expect(run({ entityRef: 'resource:default/ms5-postgres-primary', typedName: 'ms5-postgres-secondary' })).rejects.toThrow(
      'confirmName: "ms5-postgres-secondary" is not the name of the target. type ms5-postgres-primary exactly to confirm you mean this target',
    );
    await expect(run({ entityRef: 'resource:default/ms5-postgres-primary' })).rejects.toThrow('confirmName: empty. type ms5-postgres-primary');
    await expect(run({ entityRef: 'not a ref', typedName: 'x' })).rejects.toThrow('entityRef: "not a ref" is not an entity ref');
  });
});
