import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Deploy what Git holds for the gateway (argocd app sync ms5-gateway) and wait until Synced and Healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'sync',
          action: 'plant:argocd:sync',
          name: 'Sync the gateway',
          input: { entityRef: 'component:default/ms5-gateway', timeoutSeconds: 600 },
        },
      ],
    }),
  },
  {
    description: 'Sync an application to a given commit with pruning, on a named ArgoCD instance',
    example: yaml.stringify({
      steps: [
        {
          id: 'sync',
          action: 'plant:argocd:sync',
          name: 'Sync IIP core',
          input: { instance: 'iip', appName: 'iip-core', revision: '4f2a9c1', prune: true },
        },
      ],
    }),
  },
]);
