import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s cluster backup: the three IIP namespaces, kept 30 days',
    example: yaml.stringify({
      steps: [
        {
          id: 'velero-backup',
          action: 'plant:velero:backup',
          name: 'Velero backup of the IIP namespaces',
          input: {
            cluster: 'resource:default/iip-prod-cluster',
            includedNamespaces: ['iip-infrastructure', 'iip-applications', 'iip-mlops'],
            ttl: '720h0m0s',
          },
        },
      ],
    }),
  },
  {
    description: 'A named backup before maintenance, to a given storage location, waiting at most 20 minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'velero-backup',
          action: 'plant:velero:backup',
          name: 'Backup before node maintenance',
          input: {
            cluster: '${{ parameters.cluster }}',
            name: 'pre-maintenance-${{ parameters.ticket }}',
            includedNamespaces: ['ms5'],
            storageLocation: 'azure-westeurope',
            snapshotVolumes: true,
            timeoutSeconds: 1200,
          },
        },
      ],
    }),
  },
]);
