import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Wait up to 10 minutes for the gateway rollout (kubectl rollout status deployment/ms5-gateway -n ms5)',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollout-status',
          action: 'plant:kubernetes:rollout-status',
          name: 'Wait for the rollout',
          input: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-gateway', timeoutSeconds: 600 },
        },
      ],
    }),
  },
  {
    description: "Report a StatefulSet's rollout state without waiting",
    example: yaml.stringify({
      steps: [
        {
          id: 'kafka-status',
          action: 'plant:kubernetes:rollout-status',
          name: 'Kafka rollout state',
          input: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-kafka', kind: 'StatefulSet', wait: false },
        },
      ],
    }),
  },
]);
