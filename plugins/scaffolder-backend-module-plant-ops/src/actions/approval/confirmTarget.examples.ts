import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: "Stop the task unless the user typed the picked database's name",
    example: yaml.stringify({
      steps: [
        {
          id: 'confirm',
          action: 'plant:approval:confirm-target',
          input: { entityRef: '${{ parameters.entity }}', typedName: '${{ parameters.confirmName }}' },
        },
      ],
    }),
  },
]);
