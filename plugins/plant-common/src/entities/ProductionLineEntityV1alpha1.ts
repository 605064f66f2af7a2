import type { Entity } from '@backstage/catalog-model';
import {
  PLANTOPS_API_VERSION,
  entityRefSchema,
  opcUaNodeIdSchema,
} from './common';

/**
 * OPC UA node ids of one machine's variables. Counters are cumulative; give
 * goodCount, rejectCount or both (the other is totalCount minus it).
 */
export type MachineNodeMap = {
  /** Machine state (OPC 40501 / ISO 22400 time element). */
  state: string;
  /** Cumulative count of all parts produced. */
  totalCount: string;
  /** Cumulative count of good parts. */
  goodCount?: string;
  /** Cumulative count of rejected parts. */
  rejectCount?: string;
  /** Ideal cycle time as reported by the machine, if it reports one. */
  idealCycleTime?: string;
  /** Andon signal (operator call for help). */
  andon?: string;
};

/** Where a machine's data is read over OPC UA. */
export type LineMachineOpcUa = {
  /**
   * Name of one of the site's spec.connectors.opcua entries; may be left
   * out when the site has one connector.
   */
  connector?: string;
  nodeMap: MachineNodeMap;
};

/** A machine of a production line. */
export type LineMachine = {
  /** Unique within the line. */
  name: string;
  /** Ideal time to produce one part, in seconds (> 0). */
  idealCycleTimeSeconds: number;
  opcua?: LineMachineOpcUa;
};

/** A production line at a Site, its machines and the services serving it. */
export interface ProductionLineEntityV1alpha1 extends Entity {
  apiVersion: typeof PLANTOPS_API_VERSION;
  kind: 'ProductionLine';
  spec: {
    /** Entity ref of the Site (default kind Site). */
    site: string;
    /** Entity ref of the owning Group (default kind Group). */
    owner: string;
    /** Entity ref of a System (default kind System). */
    system?: string;
    machines: LineMachine[];
    /** Full entity refs (with kind) of the Components and Resources serving the line. */
    dependsOn?: string[];
  };
}

const nodeMapSchema = {
  type: 'object',
  required: ['state', 'totalCount'],
  anyOf: [{ required: ['goodCount'] }, { required: ['rejectCount'] }],
  additionalProperties: false,
  description: 'A map from machine variable to OPC UA node id.',
  properties: {
    state: opcUaNodeIdSchema,
    totalCount: opcUaNodeIdSchema,
    goodCount: opcUaNodeIdSchema,
    rejectCount: opcUaNodeIdSchema,
    idealCycleTime: opcUaNodeIdSchema,
    andon: opcUaNodeIdSchema,
  },
} as const;

const machineSchema = {
  type: 'object',
  required: ['name', 'idealCycleTimeSeconds'],
  additionalProperties: false,
  description: 'A machine of the line.',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$',
      description:
        'A machine name of letters, digits, dashes and underscores, unique within the line.',
      examples: ['filler'],
    },
    idealCycleTimeSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'The ideal time to make one part, in seconds.',
      examples: [2.4],
    },
    opcua: {
      type: 'object',
      required: ['nodeMap'],
      additionalProperties: false,
      description: 'The OPC UA source of the machine data.',
      properties: {
        connector: {
          type: 'string',
          minLength: 1,
          description: "The name of one of the site's OPC UA connectors.",
          examples: ['plc1'],
        },
        nodeMap: nodeMapSchema,
      },
    },
  },
} as const;

/**
 * JSON Schema of the ProductionLine kind. Like catalog-model's kind schemas
 * it extends the `Entity` envelope schema by `$ref`.
 */
export const productionLineEntityV1alpha1Schema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  $id: 'ProductionLineV1alpha1',
  description:
    'A ProductionLine is a line of machines at a Site, with the OPC UA nodes its OEE is computed from and the services that serve it.',
  examples: [
    {
      apiVersion: PLANTOPS_API_VERSION,
      kind: 'ProductionLine',
      metadata: { name: 'ms5-plant-a-filling' },
      spec: {
        site: 'site:default/ms5-plant-a',
        owner: 'group:default/mes-team',
        machines: [
          {
            name: 'filler',
            idealCycleTimeSeconds: 0.5,
            opcua: {
              connector: 'plc1',
              nodeMap: {
                state: 'ns=2;s=MS5PlantA.Filling.Filler.State',
                totalCount: 'ns=2;s=MS5PlantA.Filling.Filler.TotalCount',
                rejectCount: 'ns=2;s=MS5PlantA.Filling.Filler.RejectCount',
              },
            },
          },
        ],
        dependsOn: ['component:default/opcua-connector'],
      },
    },
  ],
  allOf: [
    { $ref: 'Entity' },
    {
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { enum: [PLANTOPS_API_VERSION] },
        kind: { enum: ['ProductionLine'] },
        spec: {
          type: 'object',
          required: ['site', 'owner', 'machines'],
          description: 'The specification of the production line.',
          properties: {
            site: entityRefSchema(
              'An entity ref of the Site the line is at.',
              'site:default/ms5-plant-a',
            ),
            owner: entityRefSchema(
              'An entity ref of the Group that owns the line.',
              'group:default/mes-team',
            ),
            system: entityRefSchema(
              'An entity ref of the System the line is part of.',
              'system:default/ms5',
            ),
            machines: {
              type: 'array',
              minItems: 1,
              description: 'A list of the machines of the line.',
              items: machineSchema,
            },
            dependsOn: {
              type: 'array',
              description:
                'A list of entity refs of the services and resources that serve the line.',
              items: entityRefSchema(
                'An entity ref with its kind.',
                'component:default/opcua-connector',
              ),
            },
          },
        },
      },
    },
  ],
} as const;

/** True for a `plantops.io/v1alpha1` ProductionLine entity. */
export function isProductionLineEntity(
  entity: Entity,
): entity is ProductionLineEntityV1alpha1 {
  return (
    entity.apiVersion === PLANTOPS_API_VERSION &&
    entity.kind === 'ProductionLine'
  );
}
