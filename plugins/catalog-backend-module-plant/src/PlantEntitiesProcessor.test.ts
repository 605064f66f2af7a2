import {
  type Entity,
  entityKindSchemaValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import {
  productionLineEntityV1alpha1Schema,
  siteEntityV1alpha1Schema,
} from '@plantops/backstage-plugin-plant-common';
import { PlantEntitiesProcessor } from './PlantEntitiesProcessor';

const location = { type: 'file', target: '/catalog/sites.yaml' };

function site(): Entity {
  return {
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'Site',
    metadata: { name: 'ms5-plant-a' },
    spec: {
      type: 'edge-site',
      owner: 'edge-team',
      system: 'ms5-edge',
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
            plannedBreaks: [{ name: 'lunch', start: '10:00', end: '10:30' }],
          },
          {
            name: 'night',
            start: '22:00',
            end: '06:00',
            days: ['Mon', 'Tue', 'Wed', 'Thu'],
            plannedBreaks: [{ name: 'meal', start: '02:00', end: '02:30' }],
          },
        ],
      },
      edgeDevice: 'resource:default/ms5-edge-jetson',
      cluster: 'ms5-edge-k3s',
      connectors: {
        opcua: [
          {
            name: 'plc1',
            endpointUrl: 'opc.tcp://plc1.local:4840',
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
          },
        ],
        mqtt: {
          brokerUrl: 'mqtts://mqtt.plant-a.local:8883',
          topics: ['ms5/plant-a/+/telemetry'],
        },
      },
      lines: [
        'productionline:default/ms5-plant-a-filling',
        'ms5-plant-a-packaging',
      ],
    },
  };
}

function line(): Entity {
  return {
    apiVersion: 'plantops.io/v1alpha1',
    kind: 'ProductionLine',
    metadata: { name: 'ms5-plant-a-filling' },
    spec: {
      site: 'ms5-plant-a',
      owner: 'group:default/mes-team',
      system: 'system:default/ms5',
      machines: [
        {
          name: 'filler',
          idealCycleTimeSeconds: 0.5,
          opcua: {
            connector: 'plc1',
            nodeMap: {
              state: 'ns=2;s=MS5PlantA.Filling.Filler.State',
              totalCount: 'ns=2;s=MS5PlantA.Filling.Filler.TotalCount',
              goodCount: 'ns=2;s=MS5PlantA.Filling.Filler.GoodCount',
              rejectCount: 'ns=2;s=MS5PlantA.Filling.Filler.RejectCount',
              idealCycleTime: 'ns=2;s=MS5PlantA.Filling.Filler.IdealCycleTime',
              andon: 'ns=2;s=MS5PlantA.Filling.Filler.Andon',
            },
          },
        },
        { name: 'capper', idealCycleTimeSeconds: 0.6 },
      ],
      dependsOn: [
        'component:default/opcua-connector',
        'component:default/edge-gateway',
      ],
    },
  };
}

/** A copy of the entity with its spec changed by `change`. */
function edit(entity: Entity, change: (spec: any) => void): Entity {
  const copy = JSON.parse(JSON.stringify(entity));
  change(copy.spec);
  return copy;
}

async function relationsOf(entity: Entity): Promise<string[]> {
  const emitted: CatalogProcessorResult[] = [];
  await new PlantEntitiesProcessor().postProcessEntity(entity, location, r =>
    emitted.push(r),
  );
  return emitted
    .map(r => {
      if (r.type !== 'relation') throw new Error(`unexpected ${r.type}`);
      const { source, type, target } = r.relation;
      return `${stringifyEntityRef(source)} ${type} ${stringifyEntityRef(
        target,
      )}`;
    })
    .sort();
}

describe('PlantEntitiesProcessor', () => {
  const processor = new PlantEntitiesProcessor();

  describe('validateEntityKind', () => {
    it('accepts a valid Site and a valid ProductionLine', async () => {
      await expect(processor.validateEntityKind(site())).resolves.toBe(true);
      await expect(processor.validateEntityKind(line())).resolves.toBe(true);
    });

    it('accepts a plant without edge device, cluster or connectors', async () => {
      const plant = edit(site(), s => {
        s.type = 'plant';
        delete s.edgeDevice;
        delete s.cluster;
        delete s.connectors;
        delete s.lines;
      });
      await expect(processor.validateEntityKind(plant)).resolves.toBe(true);
    });

    it('accepts a line with only a reject counter, or only a good counter', async () => {
      const rejectsOnly = edit(line(), s => {
        delete s.machines[0].opcua.nodeMap.goodCount;
      });
      const goodOnly = edit(line(), s => {
        delete s.machines[0].opcua.nodeMap.rejectCount;
      });
      await expect(processor.validateEntityKind(rejectsOnly)).resolves.toBe(
        true,
      );
      await expect(processor.validateEntityKind(goodOnly)).resolves.toBe(true);
    });

    it('leaves other kinds, and Sites of other API groups, to other processors', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'opcua-connector' },
        spec: { type: 'service', owner: 'edge-team', lifecycle: 'production' },
      };
      const foreignSite = { ...site(), apiVersion: 'example.com/v1' };
      await expect(processor.validateEntityKind(component)).resolves.toBe(
        false,
      );
      await expect(processor.validateEntityKind(foreignSite)).resolves.toBe(
        false,
      );
    });

    it('rejects an unknown plantops.io version and names the supported one', async () => {
      const future = { ...site(), apiVersion: 'plantops.io/v1beta1' };
      await expect(processor.validateEntityKind(future)).rejects.toThrow(
        new TypeError(
          'Site default/ms5-plant-a: apiVersion plantops.io/v1beta1 is not supported; use plantops.io/v1alpha1',
        ),
      );
    });

    const invalidSites: Array<[string, (spec: any) => void, string]> = [
      [
        'a time zone that is not a zone name',
        s => (s.timezone = 'CET+1'),
        'spec.timezone must be an IANA time zone, such as Europe/Berlin',
      ],
      [
        'a time zone missing from the IANA database',
        s => (s.timezone = 'Europe/Berlinn'),
        'spec.timezone must be an IANA time zone, such as Europe/Berlin; "Europe/Berlinn" is not one',
      ],
      [
        'no owner',
        s => delete s.owner,
        'spec.owner is missing; add an entity ref of the Group that owns the site, such as group:default/edge-team',
      ],
      [
        'an unknown site type',
        s => (s.type = 'factory'),
        'spec.type must be one of plant, edge-site',
      ],
      [
        'an edge site without its edge device',
        s => delete s.edgeDevice,
        'spec.edgeDevice is missing; add an entity ref of the Resource (type edge-device) the site runs on, such as resource:default/ms5-edge-jetson',
      ],
      [
        'a lower-case plant code',
        s => (s.plantCode = 'ms5-a'),
        'spec.plantCode must be an upper-case plant code of letters, digits and dashes (at most 16), such as MS5-A',
      ],
      [
        'a shift time that is not HH:MM',
        s => (s.shiftCalendar.shifts[0].start = '6:00'),
        'spec.shiftCalendar.shifts[0].start must be a local time of day as HH:MM on a 24-hour clock, such as 06:00',
      ],
      [
        'a weekday written out',
        s => (s.shiftCalendar.shifts[0].days = ['Monday']),
        'spec.shiftCalendar.shifts[0].days[0] must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun',
      ],
      [
        'a weekday listed twice',
        s => (s.shiftCalendar.shifts[0].days = ['Mon', 'Tue', 'Mon']),
        'spec.shiftCalendar.shifts[0].days lists the same value twice (entries 0 and 2); remove one',
      ],
      [
        'no shifts',
        s => (s.shiftCalendar.shifts = []),
        'spec.shiftCalendar.shifts must not be empty; add a list of the shifts the site works',
      ],
      [
        'a shift that starts when it ends',
        s => (s.shiftCalendar.shifts[0].end = '06:00'),
        'spec.shiftCalendar.shifts[0] starts and ends at 06:00; give it a later (or, past midnight, earlier) end',
      ],
      [
        'a planned break outside its shift',
        s => (s.shiftCalendar.shifts[1].plannedBreaks[0].start = '21:30'),
        'spec.shiftCalendar.shifts[1].plannedBreaks[0] (21:30-02:30) must lie within the shift 22:00-06:00; move it inside or drop it',
      ],
      [
        'two shifts with one name',
        s => (s.shiftCalendar.shifts[1].name = 'early'),
        'spec.shiftCalendar.shifts[1].name "early" is used by another shift; give each shift its own name',
      ],
      [
        'an OPC UA endpoint that is not opc.tcp',
        s => (s.connectors.opcua[0].endpointUrl = 'http://plc1.local:4840'),
        'spec.connectors.opcua[0].endpointUrl must be an opc.tcp:// endpoint URL, such as opc.tcp://plc1.local:4840',
      ],
      [
        'an unknown security mode',
        s => (s.connectors.opcua[0].securityMode = 'Encrypt'),
        'spec.connectors.opcua[0].securityMode must be one of None, Sign, SignAndEncrypt',
      ],
      [
        'security mode None with a signing policy',
        s => (s.connectors.opcua[0].securityMode = 'None'),
        'spec.connectors.opcua[0] combines securityMode None with securityPolicy Basic256Sha256; use None with None, or Sign/SignAndEncrypt with a policy such as Basic256Sha256',
      ],
      [
        'a misspelt connector field',
        s => (s.connectors.opcua[0].endpointURL = 'opc.tcp://plc1.local:4840'),
        'spec.connectors.opcua[0] has an unknown field "endpointURL"; use name, endpointUrl, securityMode, securityPolicy',
      ],
      [
        'an MQTT broker without an MQTT URL',
        s => (s.connectors.mqtt.brokerUrl = 'tcp://mqtt.plant-a.local:1883'),
        'spec.connectors.mqtt.brokerUrl must be an mqtt://, mqtts://, ws:// or wss:// broker URL, such as mqtts://mqtt.iip-edge.plantops.example:8883',
      ],
      [
        'an owner that is not a group or user',
        s => (s.owner = 'component:default/edge-gateway'),
        'spec.owner must refer to a Group or User, such as group:default/edge-team; "component:default/edge-gateway" is a component',
      ],
      [
        'an edge device that is not a Resource',
        s => (s.edgeDevice = 'component:default/edge-gateway'),
        'spec.edgeDevice must refer to a Resource, such as resource:default/ms5-edge-jetson; "component:default/edge-gateway" is a component',
      ],
      [
        'an unparsable line reference',
        s => (s.lines = ['productionline:default/']),
        'spec.lines[0] must be an entity ref, such as productionline:default/ms5-plant-a-filling; "productionline:default/" is not one',
      ],
    ];

    it.each(invalidSites)(
      'rejects a Site with %s',
      async (_case, change, problem) => {
        await expect(
          processor.validateEntityKind(edit(site(), change)),
        ).rejects.toThrow(
          new TypeError(`Site default/ms5-plant-a: ${problem}`),
        );
      },
    );

    const invalidLines: Array<[string, (spec: any) => void, string]> = [
      [
        'an ideal cycle time of zero',
        s => (s.machines[0].idealCycleTimeSeconds = 0),
        'spec.machines[0].idealCycleTimeSeconds must be > 0: the ideal time to make one part, in seconds, such as 2.4',
      ],
      [
        'an ideal cycle time as text',
        s => (s.machines[1].idealCycleTimeSeconds = '0.6s'),
        'spec.machines[1].idealCycleTimeSeconds must be the ideal time to make one part, in seconds, such as 2.4',
      ],
      [
        'a node id without identifier type',
        s =>
          (s.machines[0].opcua.nodeMap.state =
            'MS5PlantA.Filling.Filler.State'),
        'spec.machines[0].opcua.nodeMap.state must be an OPC UA node id, such as ns=2;s=MS5PlantA.Filling.Filler.State',
      ],
      [
        'neither a good nor a reject counter',
        s => {
          delete s.machines[0].opcua.nodeMap.goodCount;
          delete s.machines[0].opcua.nodeMap.rejectCount;
        },
        'spec.machines[0].opcua.nodeMap needs goodCount or rejectCount; add at least one',
      ],
      [
        'a misspelt node map key',
        s => (s.machines[0].opcua.nodeMap.totalcount = 'ns=2;s=X'),
        'spec.machines[0].opcua.nodeMap has an unknown field "totalcount"; use state, totalCount, goodCount, rejectCount, idealCycleTime, andon',
      ],
      [
        'no machines',
        s => (s.machines = []),
        'spec.machines must not be empty; add a list of the machines of the line',
      ],
      [
        'two machines with one name',
        s => (s.machines[1].name = 'filler'),
        'spec.machines[1].name "filler" is used by another machine; give each machine its own name',
      ],
      [
        'no site',
        s => delete s.site,
        'spec.site is missing; add an entity ref of the Site the line is at, such as site:default/ms5-plant-a',
      ],
      [
        'a site reference to a Group',
        s => (s.site = 'group:default/mes-team'),
        'spec.site must refer to a Site, such as site:default/ms5-plant-a; "group:default/mes-team" is a group',
      ],
      [
        'a dependency without its kind',
        s => (s.dependsOn = ['opcua-connector']),
        'spec.dependsOn[0] must be an entity ref with its kind, such as component:default/opcua-connector; "opcua-connector" is not one',
      ],
    ];

    it.each(invalidLines)(
      'rejects a ProductionLine with %s',
      async (_case, change, problem) => {
        await expect(
          processor.validateEntityKind(edit(line(), change)),
        ).rejects.toThrow(
          new TypeError(
            `ProductionLine default/ms5-plant-a-filling: ${problem}`,
          ),
        );
      },
    );

    it('reports every schema problem of an entity at once', async () => {
      const broken = edit(line(), s => {
        delete s.owner;
        s.machines[0].idealCycleTimeSeconds = -1;
      });
      await expect(processor.validateEntityKind(broken)).rejects.toThrow(
        new TypeError(
          'ProductionLine default/ms5-plant-a-filling: spec.owner is missing; add an entity ref of the Group that owns the line, such as group:default/mes-team; ' +
            'spec.machines[0].idealCycleTimeSeconds must be > 0: the ideal time to make one part, in seconds, such as 2.4',
        ),
      );
    });

    it('names the namespace of the entity in the error', async () => {
      const namespaced = edit(site(), s => (s.timezone = 'Mars/Olympus'));
      namespaced.metadata.namespace = 'plants';
      await expect(processor.validateEntityKind(namespaced)).rejects.toThrow(
        /^Site plants\/ms5-plant-a: spec\.timezone must be an IANA time zone/,
      );
    });
  });

  describe('postProcessEntity', () => {
    it('relates a Site to its owner, system, edge device, cluster and lines, both ways', async () => {
      expect(await relationsOf(site())).toEqual(
        [
          'site:default/ms5-plant-a ownedBy group:default/edge-team',
          'group:default/edge-team ownerOf site:default/ms5-plant-a',
          'site:default/ms5-plant-a partOf system:default/ms5-edge',
          'system:default/ms5-edge hasPart site:default/ms5-plant-a',
          'site:default/ms5-plant-a dependsOn resource:default/ms5-edge-jetson',
          'resource:default/ms5-edge-jetson dependencyOf site:default/ms5-plant-a',
          'site:default/ms5-plant-a dependsOn resource:default/ms5-edge-k3s',
          'resource:default/ms5-edge-k3s dependencyOf site:default/ms5-plant-a',
          'site:default/ms5-plant-a hasPart productionline:default/ms5-plant-a-packaging',
          'productionline:default/ms5-plant-a-packaging partOf site:default/ms5-plant-a',
          'site:default/ms5-plant-a hasPart productionline:default/ms5-plant-a-filling',
          'productionline:default/ms5-plant-a-filling partOf site:default/ms5-plant-a',
        ].sort(),
      );
    });

    it('relates a ProductionLine to its site, owner, system and services, both ways', async () => {
      expect(await relationsOf(line())).toEqual(
        [
          'productionline:default/ms5-plant-a-filling partOf site:default/ms5-plant-a',
          'site:default/ms5-plant-a hasPart productionline:default/ms5-plant-a-filling',
          'productionline:default/ms5-plant-a-filling ownedBy group:default/mes-team',
          'group:default/mes-team ownerOf productionline:default/ms5-plant-a-filling',
          'productionline:default/ms5-plant-a-filling partOf system:default/ms5',
          'system:default/ms5 hasPart productionline:default/ms5-plant-a-filling',
          'productionline:default/ms5-plant-a-filling dependsOn component:default/opcua-connector',
          'component:default/opcua-connector dependencyOf productionline:default/ms5-plant-a-filling',
          'productionline:default/ms5-plant-a-filling dependsOn component:default/edge-gateway',
          'component:default/edge-gateway dependencyOf productionline:default/ms5-plant-a-filling',
        ].sort(),
      );
    });

    it('resolves short references in the entity namespace', async () => {
      const plant = edit(site(), s => {
        s.type = 'plant';
        delete s.system;
        delete s.edgeDevice;
        delete s.cluster;
        s.lines = ['assembly'];
      });
      plant.metadata.namespace = 'plants';
      expect(await relationsOf(plant)).toEqual(
        [
          'site:plants/ms5-plant-a ownedBy group:plants/edge-team',
          'group:plants/edge-team ownerOf site:plants/ms5-plant-a',
          'site:plants/ms5-plant-a hasPart productionline:plants/assembly',
          'productionline:plants/assembly partOf site:plants/ms5-plant-a',
        ].sort(),
      );
    });

    it('emits nothing for other kinds', async () => {
      const group: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'edge-team' },
        spec: { type: 'team', children: [] },
      };
      expect(await relationsOf(group)).toEqual([]);
    });
  });

  describe('preProcessEntity', () => {
    it('sorts the line and dependency lists so reordering them is no change', async () => {
      const s = await processor.preProcessEntity(site());
      const l = await processor.preProcessEntity(line());
      expect(s.spec?.lines).toEqual([
        'ms5-plant-a-packaging',
        'productionline:default/ms5-plant-a-filling',
      ]);
      expect(l.spec?.dependsOn).toEqual([
        'component:default/edge-gateway',
        'component:default/opcua-connector',
      ]);
    });
  });

  describe('schemas', () => {
    // catalog-model's own validator resolves the real Entity envelope schema.
    const siteCheck = entityKindSchemaValidator(siteEntityV1alpha1Schema);
    const lineCheck = entityKindSchemaValidator(
      productionLineEntityV1alpha1Schema,
    );

    it('work with catalog-model kind validation, like its built-in kinds', () => {
      expect(siteCheck(site())).toEqual(site());
      expect(lineCheck(line())).toEqual(line());
      expect(siteCheck(line())).toBe(false);
      expect(() => siteCheck(edit(site(), s => delete s.timezone))).toThrow(
        /timezone/,
      );
    });

    it('carry examples that the processor accepts', async () => {
      for (const schema of [
        siteEntityV1alpha1Schema,
        productionLineEntityV1alpha1Schema,
      ]) {
        for (const example of schema.examples) {
          const entity = JSON.parse(JSON.stringify(example)) as Entity;
          await expect(processor.validateEntityKind(entity)).resolves.toBe(
            true,
          );
        }
      }
    });
  });
});
