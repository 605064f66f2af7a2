import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: "The MS5.0 guide's rollback: kubectl rollout undo deployment/ms5-gateway -n ms5, then wait",
    example: yaml.stringify({
      steps: [
        {
          id: 'undo',
          action: 'plant:kubernetes:rollout-undo',
          name: 'Roll the gateway back',
          input: { entityRef: 'component:default/ms5-gateway' },
        },
      ],
    }),
  },
  {
    description: 'Back to a given revision (kubectl rollout undo --to-revision=3)',
    example: yaml.stringify({
      steps: [
        {
          id: 'undo',
          action: 'plant:kubernetes:rollout-undo',
          name: 'Roll back to revision 3',
          input: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'dms-service', toRevision: 3, timeoutSeconds: 900 },
        },
      ],
    }),
  },
]);
