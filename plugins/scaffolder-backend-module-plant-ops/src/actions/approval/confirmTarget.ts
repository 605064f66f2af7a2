import { parseEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { fieldError } from '../../lib/errors';
import { examples } from './confirmTarget.examples';
import { dryRunField, isDryRun } from '../../lib/dryRun';

/**
 * `plant:approval:confirm-target`: the "type the name to confirm" guard of
 * destructive templates. A form cannot compare two fields, so the first step
 * does, before anything is touched.
 */
export function createConfirmTargetAction() {
  return createTemplateAction({
    id: 'plant:approval:confirm-target',
    description: "Fails unless typedName is the name of the target entity (the guard before a destructive step)",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        entityRef: z => z.string().min(1).describe('The target, e.g. resource:default/ms5-postgres-primary'),
        typedName: z => z.string().optional().describe("What the user typed; must equal the target's name"),
      },
      output: {
        name: z => z.string().describe('The confirmed name'),
      },
    },
    async handler(ctx) {
      const dryRun = isDryRun(ctx);
      let name: string;
      try {
        name = parseEntityRef(ctx.input.entityRef).name;
      } catch {
        throw fieldError('entityRef', `"${ctx.input.entityRef}" is not an entity ref`, 'pick the target from the catalog');
      }
      const typed = (ctx.input.typedName ?? '').trim();
      if (typed !== name) {
        throw fieldError(
          'confirmName',
          typed ? `"${typed}" is not the name of the target` : 'empty',
          `type ${name} exactly to confirm you mean this target`,
        );
      }
      // a dry run checks the name too: a plan for the wrong target is no plan
      ctx.logger.info(`${dryRun ? '[dry run] ' : ''}Confirmed the target ${name}`);
      ctx.output('name', name);
    },
  });
}
