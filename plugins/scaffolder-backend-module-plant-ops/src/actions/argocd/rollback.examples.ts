import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Roll the gateway back to ArgoCD history id 12 (argocd app rollback ms5-gateway 12); refused while automated sync is on',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          action: 'plant:argocd:rollback',
          name: 'Roll the gateway back',
          input: { entityRef: 'component:default/ms5-gateway', historyId: 12 },
        },
      ],
    }),
  },
  {
    description: 'Turn automated sync off first (it stays off until the fix is in Git), then roll back',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          action: 'plant:argocd:rollback',
          name: 'Emergency rollback of IIP core',
          input: { instance: 'iip', appName: 'iip-core', historyId: 7, disableAutoSync: true, timeoutSeconds: 900 },
        },
      ],
    }),
  },
]);
