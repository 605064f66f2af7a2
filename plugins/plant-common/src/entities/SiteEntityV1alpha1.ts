import type { Entity } from '@backstage/catalog-model';
import {
  PLANTOPS_API_VERSION,
  entityRefSchema,
  timeOfDaySchema,
} from './common';

/** Day of the week a shift starts on. */
export type ShiftWeekday =
  | 'Mon'
  | 'Tue'
  | 'Wed'
  | 'Thu'
  | 'Fri'
  | 'Sat'
  | 'Sun';

/** A planned break inside a shift (planned downtime in ISO 22400 terms). */
export type SitePlannedBreak = {
  name: string;
  /** Local time, HH:MM. */
  start: string;
  /** Local time, HH:MM. */
  end: string;
};

/**
 * A shift. Times are local to the site's time zone; a shift whose end is
 * earlier than its start runs past midnight into the next day.
 */
export type SiteShift = {
  name: string;
  start: string;
  end: string;
  /** The days the shift starts on. */
  days: ShiftWeekday[];
  plannedBreaks?: SitePlannedBreak[];
};

/** When the site works: outside every shift is NoShift time. */
export type SiteShiftCalendar = {
  shifts: SiteShift[];
};

/** OPC UA message security modes (OPC 10000-4). */
export type OpcUaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';

/** OPC UA security policies, by the short name of their policy URI. */
export type OpcUaSecurityPolicy =
  | 'None'
  | 'Basic128Rsa15'
  | 'Basic256'
  | 'Basic256Sha256'
  | 'Aes128_Sha256_RsaOaep'
  | 'Aes256_Sha256_RsaPss';

/** An OPC UA server (usually a PLC) the site's connector reads. */
export type OpcUaConnector = {
  /** Unique within the site; machines refer to it by this name. */
  name: string;
  /** opc.tcp://host:port[/path] */
  endpointUrl: string;
  securityMode: OpcUaSecurityMode;
  securityPolicy: OpcUaSecurityPolicy;
};

/** The MQTT broker the site publishes machine data to. */
export type MqttConnector = {
  /** mqtt://, mqtts://, ws:// or wss:// URL. */
  brokerUrl: string;
  topics: string[];
};

/** How the site's machine data is collected. */
export type SiteConnectors = {
  opcua?: OpcUaConnector[];
  mqtt?: MqttConnector;
};

/** A plant or edge location: its edge device, cluster, connectors and lines. */
export interface SiteEntityV1alpha1 extends Entity {
  apiVersion: typeof PLANTOPS_API_VERSION;
  kind: 'Site';
  spec: {
    type: 'plant' | 'edge-site';
    /** Entity ref of the owning Group (default kind Group). */
    owner: string;
    /** Entity ref of a System (default kind System). */
    system?: string;
    region: string;
    plantCode: string;
    /** IANA time zone; shift times are local to it. */
    timezone: string;
    shiftCalendar: SiteShiftCalendar;
    /** Entity ref of a Resource of type edge-device; required for edge-site. */
    edgeDevice?: string;
    /** Entity ref of a Resource of type kubernetes-cluster. */
    cluster?: string;
    connectors?: SiteConnectors;
    /**
     * Entity refs of ProductionLines (default kind ProductionLine). Optional:
     * a line may instead name its site in its own spec.site.
     */
    lines?: string[];
  };
}

const shiftTime = timeOfDaySchema;

const plannedBreakSchema = {
  type: 'object',
  required: ['name', 'start', 'end'],
  additionalProperties: false,
  description: 'A planned break within the shift.',
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      description: 'The name of the break.',
      examples: ['lunch'],
    },
    start: shiftTime,
    end: shiftTime,
  },
} as const;

const shiftSchema = {
  type: 'object',
  required: ['name', 'start', 'end', 'days'],
  additionalProperties: false,
  description: 'A shift with its start, end, days and planned breaks.',
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      description: 'A shift name unique within the site.',
      examples: ['early'],
    },
    start: shiftTime,
    end: shiftTime,
    days: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      description: 'A list of the weekdays the shift starts on.',
      examples: [['Mon', 'Tue', 'Wed', 'Thu', 'Fri']],
      items: {
        enum: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
        description: 'A weekday.',
        examples: ['Mon'],
      },
    },
    plannedBreaks: {
      type: 'array',
      description: 'A list of planned breaks inside the shift.',
      items: plannedBreakSchema,
    },
  },
} as const;

const opcUaConnectorSchema = {
  type: 'object',
  required: ['name', 'endpointUrl', 'securityMode', 'securityPolicy'],
  additionalProperties: false,
  description: 'An OPC UA server the site reads.',
  properties: {
    name: {
      type: 'string',
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      description:
        'A lower-case dashed connector name unique within the site. Machines name it in opcua.connector.',
      examples: ['plc1'],
    },
    endpointUrl: {
      type: 'string',
      pattern: '^opc\\.tcp://[^\\s/:]+(:[0-9]{1,5})?(/\\S*)?$',
      description: 'An opc.tcp:// endpoint URL.',
      examples: ['opc.tcp://plc1.local:4840'],
    },
    securityMode: {
      enum: ['None', 'Sign', 'SignAndEncrypt'],
      description: 'The OPC UA message security mode.',
      examples: ['SignAndEncrypt'],
    },
    securityPolicy: {
      enum: [
        'None',
        'Basic128Rsa15',
        'Basic256',
        'Basic256Sha256',
        'Aes128_Sha256_RsaOaep',
        'Aes256_Sha256_RsaPss',
      ],
      description:
        'The OPC UA security policy. None only goes with securityMode None.',
      examples: ['Basic256Sha256'],
    },
  },
} as const;

const mqttConnectorSchema = {
  type: 'object',
  required: ['brokerUrl', 'topics'],
  additionalProperties: false,
  description: 'The MQTT broker and topics the site publishes to.',
  properties: {
    brokerUrl: {
      type: 'string',
      pattern: '^(mqtts?|wss?)://[^\\s/:]+(:[0-9]{1,5})?(/\\S*)?$',
      description: 'An mqtt://, mqtts://, ws:// or wss:// broker URL.',
      examples: ['mqtts://mqtt.iip-edge.plantops.example:8883'],
    },
    topics: {
      type: 'array',
      minItems: 1,
      description: 'A list of MQTT topics (filters) the site publishes.',
      examples: [['iip/plant-b/+/telemetry']],
      items: {
        type: 'string',
        minLength: 1,
        description: 'An MQTT topic or topic filter.',
        examples: ['iip/plant-b/+/telemetry'],
      },
    },
  },
} as const;

const edgeDeviceSchema = entityRefSchema(
  'An entity ref of the Resource (type edge-device) the site runs on.',
  'resource:default/ms5-edge-jetson',
);

/**
 * JSON Schema of the Site kind. Like catalog-model's kind schemas it extends
 * the `Entity` envelope schema by `$ref`.
 */
export const siteEntityV1alpha1Schema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  $id: 'SiteV1alpha1',
  description:
    'A Site is a plant or edge location: its edge device and cluster, its OPC UA and MQTT connectors, its shift calendar and its production lines.',
  examples: [
    {
      apiVersion: PLANTOPS_API_VERSION,
      kind: 'Site',
      metadata: { name: 'ms5-plant-a' },
      spec: {
        type: 'edge-site',
        owner: 'group:default/edge-team',
        region: 'eu-central',
        plantCode: 'MS5-A',
        timezone: 'Europe/Berlin',
        shiftCalendar: {
          shifts: [
            {
              name: 'early',
              start: '06:00',
              end: '14:00',
              days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
            },
          ],
        },
        edgeDevice: 'resource:default/ms5-edge-jetson',
        cluster: 'resource:default/ms5-edge-k3s',
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
        kind: { enum: ['Site'] },
        spec: {
          type: 'object',
          required: [
            'type',
            'owner',
            'region',
            'plantCode',
            'timezone',
            'shiftCalendar',
          ],
          description: 'The specification of the site.',
          properties: {
            type: {
              enum: ['plant', 'edge-site'],
              description: 'The type of site.',
              examples: ['edge-site'],
            },
            owner: entityRefSchema(
              'An entity ref of the Group that owns the site.',
              'group:default/edge-team',
            ),
            system: entityRefSchema(
              'An entity ref of the System the site is part of.',
              'system:default/ms5-edge',
            ),
            region: {
              type: 'string',
              minLength: 1,
              description: 'A region name. Used to group sites.',
              examples: ['eu-central'],
            },
            plantCode: {
              type: 'string',
              pattern: '^[A-Z0-9]+(-[A-Z0-9]+)*$',
              maxLength: 16,
              description:
                'An upper-case plant code of letters, digits and dashes (at most 16).',
              examples: ['MS5-A'],
            },
            timezone: {
              type: 'string',
              pattern: '^(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)$',
              description:
                'An IANA time zone. Shift times are local to this zone.',
              examples: ['Europe/Berlin'],
            },
            shiftCalendar: {
              type: 'object',
              required: ['shifts'],
              additionalProperties: false,
              description: 'A shift calendar with the shifts of the site.',
              properties: {
                shifts: {
                  type: 'array',
                  minItems: 1,
                  description: 'A list of the shifts the site works.',
                  items: shiftSchema,
                },
              },
            },
            edgeDevice: edgeDeviceSchema,
            cluster: entityRefSchema(
              'An entity ref of the Resource (type kubernetes-cluster) running the site workloads.',
              'resource:default/ms5-edge-k3s',
            ),
            connectors: {
              type: 'object',
              additionalProperties: false,
              description: 'The connectors that collect machine data.',
              properties: {
                opcua: {
                  type: 'array',
                  minItems: 1,
                  description: 'A list of OPC UA servers the site reads.',
                  items: opcUaConnectorSchema,
                },
                mqtt: mqttConnectorSchema,
              },
            },
            lines: {
              type: 'array',
              description: 'A list of entity refs of the production lines.',
              items: entityRefSchema(
                'An entity ref of a ProductionLine.',
                'productionline:default/ms5-plant-a-filling',
              ),
            },
          },
          if: {
            type: 'object',
            required: ['type'],
            properties: { type: { const: 'edge-site' } },
          },
          then: {
            type: 'object',
            required: ['edgeDevice'],
            properties: { edgeDevice: edgeDeviceSchema },
          },
        },
      },
    },
  ],
} as const;

/** True for a `plantops.io/v1alpha1` Site entity. */
export function isSiteEntity(entity: Entity): entity is SiteEntityV1alpha1 {
  return entity.apiVersion === PLANTOPS_API_VERSION && entity.kind === 'Site';
}
