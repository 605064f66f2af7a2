import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s emergency scale-down of iip-applications, counts recorded for the restore',
    example: yaml.stringify({
      steps: [
        {
          id: 'scale-down',
          action: 'plant:kubernetes:emergency-scale-down',
          name: 'Emergency scale-down',
          input: { cluster: 'resource:default/iip-prod-cluster', namespace: 'iip-applications' },
        },
      ],
    }),
  },
  {
    description: 'Stop everything in ms5 but the gateway',
    example: yaml.stringify({
      steps: [
        {
          id: 'scale-down',
          action: 'plant:kubernetes:emergency-scale-down',
          name: 'Emergency scale-down, gateway kept',
          input: { cluster: '${{ parameters.cluster }}', namespace: 'ms5', exclude: ['ms5-gateway'] },
        },
      ],
    }),
  },
]);
