import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Scale the gateway to 5 replicas (kubectl scale deployment/ms5-gateway --replicas=5) and wait until they are available',
    example: yaml.stringify({
      steps: [
        {
          id: 'scale',
          action: 'plant:kubernetes:scale',
          name: 'Scale the gateway',
          input: { entityRef: 'component:default/ms5-gateway', replicas: 5 },
        },
      ],
    }),
  },
  {
    description: 'Scale a StatefulSet only if it still runs 3 replicas (kubectl scale --current-replicas=3)',
    example: yaml.stringify({
      steps: [
        {
          id: 'scale',
          action: 'plant:kubernetes:scale',
          name: 'Scale Kafka down',
          input: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-kafka', kind: 'StatefulSet', replicas: 1, expectedReplicas: 3 },
        },
      ],
    }),
  },
]);
