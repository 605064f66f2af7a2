import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'After maintenance, as the IIP guide does with kubectl uncordon <node-name>',
    example: yaml.stringify({
      steps: [
        {
          id: 'uncordon',
          action: 'plant:kubernetes:uncordon-node',
          name: 'Uncordon the node',
          input: { cluster: 'resource:default/iip-prod-cluster', node: 'iip-node-3' },
        },
      ],
    }),
  },
]);
