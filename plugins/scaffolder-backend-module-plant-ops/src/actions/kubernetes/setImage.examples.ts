import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: "The MS5.0 guide's gateway upgrade (kubectl set image deployment/ms5-gateway), waiting for the rollout",
    example: yaml.stringify({
      steps: [
        {
          id: 'set-image',
          action: 'plant:kubernetes:set-image',
          name: 'Deploy the new gateway image',
          input: { entityRef: 'component:default/ms5-gateway', container: 'ms5-gateway', image: 'ms5/gateway:v2.4.1', timeoutSeconds: 600 },
        },
      ],
    }),
  },
  {
    description: 'By cluster, namespace and name, undoing the change if the rollout fails',
    example: yaml.stringify({
      steps: [
        {
          id: 'set-image',
          action: 'plant:kubernetes:set-image',
          name: 'Deploy the DMS service',
          input: {
            cluster: 'resource:default/ms5-prod-aks',
            namespace: 'ms5',
            name: 'dms-service',
            image: 'ms5/dms-service@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
            undoOnFailure: true,
          },
        },
      ],
    }),
  },
]);
