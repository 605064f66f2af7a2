import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import type { z as zod } from 'zod/v3';

const DESCRIPTION =
  "Plan only, as the scaffolder's dry-run does: read everything the step would touch, report the plan, write nothing, audit it as a dry run. Templates pass the form's Dry-run checkbox: ${{ parameters.dryRun }}";

/** The `dryRun` input every plant:* action takes. */
export const dryRunField = (z: typeof zod) => z.boolean().optional().describe(DESCRIPTION);

/** `dryRunField` in the shape `parseInput` takes. */
export const dryRunInput = { dryRun: dryRunField };

/**
 * Whether this run only plans: the scaffolder's own dry-run (template editor,
 * `/v2/dry-run`) or a normal task whose step asks for it with `dryRun: true`.
 * Every plant:* action decides with this, and only this.
 */
export function isDryRun(ctx: { isDryRun?: boolean; input?: unknown }): boolean {
  return ctx.isDryRun === true || (ctx.input as { dryRun?: unknown } | undefined)?.dryRun === true;
}

/**
 * Adds to an action's examples one that runs its first example the way the
 * templates do, with the form's Dry-run checkbox passed through.
 */
export function withDryRunExample(examples: TemplateExample[]): TemplateExample[] {
  const first = yaml.parse(examples[0].example) as { steps: Array<{ input?: Record<string, unknown> }> };
  const steps = first.steps.map(s => ({ ...s, input: { ...s.input, dryRun: '${{ parameters.dryRun }}' } }));
  return [
    ...examples,
    {
      description: `${examples[0].description}, as a plan only when the form's Dry-run checkbox is ticked (reads, reports, writes nothing)`,
      example: yaml.stringify({ steps }),
    },
  ];
}
