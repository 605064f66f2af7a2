import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'After the emergency: every workload of iip-applications back to its recorded count',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore-scale',
          action: 'plant:kubernetes:restore-scale',
          name: 'Restore replica counts',
          input: { cluster: 'resource:default/iip-prod-cluster', namespace: 'iip-applications' },
        },
      ],
    }),
  },
  {
    description: 'Restore without waiting for the rollouts',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore-scale',
          action: 'plant:kubernetes:restore-scale',
          name: 'Restore replica counts',
          input: { cluster: '${{ parameters.cluster }}', namespace: 'ms5', wait: false },
        },
      ],
    }),
  },
]);
