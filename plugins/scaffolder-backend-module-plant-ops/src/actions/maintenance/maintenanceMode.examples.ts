import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s emergency maintenance mode on iip-ingress',
    example: yaml.stringify({
      steps: [
        {
          id: 'maintenance-on',
          action: 'plant:kubernetes:maintenance-mode',
          name: 'Maintenance page on',
          input: { cluster: 'resource:default/iip-prod-cluster', namespace: 'iip-applications', ingress: 'iip-ingress', enabled: true, backend: 'maintenance-page' },
        },
      ],
    }),
  },
  {
    description: 'Back to normal: restores exactly the default backend there was before',
    example: yaml.stringify({
      steps: [
        {
          id: 'maintenance-off',
          action: 'plant:kubernetes:maintenance-mode',
          name: 'Maintenance page off',
          input: { cluster: '${{ parameters.cluster }}', enabled: false },
        },
      ],
    }),
  },
]);
