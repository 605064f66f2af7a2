import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Hold a production sync until a second person approves it, showing the dry-run plan',
    example: yaml.stringify({
      steps: [
        {
          id: 'approval',
          name: 'Four-eyes approval',
          action: 'plant:approval:request',
          if: "${{ parameters.environment == 'production' }}",
          input: {
            title: 'Sync ms5-gateway in production',
            target: '${{ parameters.entity }}',
            environment: '${{ parameters.environment }}',
            category: 'deploy',
            plan: '${{ steps.plan.output }}',
            timeoutMinutes: 60,
          },
        },
      ],
    }),
  },
  {
    description: 'Two approvals in one task need their own keys',
    example: yaml.stringify({
      steps: [
        {
          id: 'approve-fence',
          action: 'plant:approval:request',
          input: {
            key: 'fence',
            title: 'Fence ms5-postgres-primary',
            target: 'resource:default/ms5-postgres-primary',
            environment: 'production',
            category: 'database',
            plan: { fence: 'ms5-postgres-primary' },
          },
        },
      ],
    }),
  },
]);
