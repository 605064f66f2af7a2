import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Onboard an edge site with one PLC and one line, manifests under k8s/ms5-plant-c',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'plant:site:register',
          name: 'Register ms5-plant-c',
          input: {
            name: 'ms5-plant-c',
            title: 'MS5.0 Plant C',
            spec: {
              type: 'edge-site',
              owner: 'group:default/edge-team',
              system: 'system:default/ms5-edge',
              region: 'eu-central',
              plantCode: 'MS5-C',
              timezone: 'Europe/Berlin',
              shiftCalendar: {
                shifts: [{ name: 'early', start: '06:00', end: '14:00', days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] }],
              },
              edgeDevice: 'resource:default/ms5-edge-jetson',
              cluster: 'resource:default/ms5-edge-k3s',
              connectors: {
                opcua: [
                  { name: 'plc1', endpointUrl: 'opc.tcp://plc1.plant-c.local:4840', securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' },
                ],
              },
            },
            lines: [
              {
                name: 'ms5-plant-c-filling',
                spec: {
                  owner: 'group:default/mes-team',
                  machines: [{ name: 'filler', idealCycleTimeSeconds: 0.5 }],
                  dependsOn: ['component:default/opcua-connector'],
                },
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'Register a site from the template form, with own images and namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'plant:site:register',
          name: 'Register the site',
          input: {
            name: '${{ parameters.name }}',
            spec: '${{ parameters.site }}',
            lines: '${{ parameters.lines }}',
            namespace: 'edge',
            images: { edgeGateway: 'ms5/edge-gateway:1.4.2', opcuaConnector: 'ms5/opcua-connector:1.4.2' },
          },
        },
      ],
    }),
  },
]);
