import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Restart the gateway after a configuration change (kubectl rollout restart deployment/ms5-gateway -n ms5)',
    example: yaml.stringify({
      steps: [
        {
          id: 'restart',
          action: 'plant:kubernetes:rollout-restart',
          name: 'Restart the gateway',
          input: { entityRef: 'component:default/ms5-gateway' },
        },
      ],
    }),
  },
  {
    description: 'Restart a StatefulSet without waiting',
    example: yaml.stringify({
      steps: [
        {
          id: 'restart',
          action: 'plant:kubernetes:rollout-restart',
          name: 'Restart Redis',
          input: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-redis', kind: 'StatefulSet', wait: false },
        },
      ],
    }),
  },
]);
