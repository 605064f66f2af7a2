import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s node maintenance: kubectl drain <node> --ignore-daemonsets --delete-emptydir-data',
    example: yaml.stringify({
      steps: [
        {
          id: 'drain',
          action: 'plant:kubernetes:drain-node',
          name: 'Drain the node for maintenance',
          input: { cluster: 'resource:default/iip-prod-cluster', node: 'iip-node-3', ignoreDaemonSets: true, deleteEmptyDirData: true },
        },
      ],
    }),
  },
  {
    description: 'Drain an edge node, waiting up to 10 minutes for PodDisruptionBudgets to allow each eviction',
    example: yaml.stringify({
      steps: [
        {
          id: 'drain',
          action: 'plant:kubernetes:drain-node',
          name: 'Drain ${{ parameters.node }}',
          input: { cluster: '${{ parameters.cluster }}', node: '${{ parameters.node }}', timeoutSeconds: 600 },
        },
      ],
    }),
  },
]);
