import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  type CompoundEntityRef,
  type Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  PLANTOPS_API_VERSION,
  isKnownTimeZone,
  isProductionLineEntity,
  isSiteEntity,
  productionLineEntityV1alpha1Schema,
  siteEntityV1alpha1Schema,
  type ProductionLineEntityV1alpha1,
  type SiteEntityV1alpha1,
} from '@plantops/backstage-plugin-plant-common';

type PlantKind = 'Site' | 'ProductionLine';

/** How a reference field resolves and which kinds it may point at. */
type RefRule = { defaultKind?: string; kinds: string[]; example: string };

const OWNER: RefRule = {
  defaultKind: 'Group',
  kinds: ['Group', 'User'],
  example: 'group:default/edge-team',
};
const SYSTEM: RefRule = {
  defaultKind: 'System',
  kinds: ['System'],
  example: 'system:default/ms5-edge',
};
const EDGE_DEVICE: RefRule = {
  defaultKind: 'Resource',
  kinds: ['Resource'],
  example: 'resource:default/ms5-edge-jetson',
};
const CLUSTER: RefRule = {
  defaultKind: 'Resource',
  kinds: ['Resource'],
  example: 'resource:default/ms5-edge-k3s',
};
const LINE: RefRule = {
  defaultKind: 'ProductionLine',
  kinds: ['ProductionLine'],
  example: 'productionline:default/ms5-plant-a-filling',
};
const SITE: RefRule = {
  defaultKind: 'Site',
  kinds: ['Site'],
  example: 'site:default/ms5-plant-a',
};
// No default kind, as for the built-in kinds' dependsOn.
const SERVICE: RefRule = {
  kinds: ['Component', 'Resource'],
  example: 'component:default/opcua-connector',
};

/** The reference list of each kind that preProcessEntity sorts. */
const SORTED_REF_LIST: Record<string, string | undefined> = {
  Site: 'lines',
  ProductionLine: 'dependsOn',
};

/**
 * Validates the Plantops kinds Site and ProductionLine against their JSON
 * Schemas plus the rules a schema cannot express, and emits their relations.
 */
export class PlantEntitiesProcessor implements CatalogProcessor {
  private readonly validators: Record<PlantKind, ValidateFunction>;

  constructor() {
    const ajv = new Ajv({ allErrors: true, verbose: true });
    // The kind schemas extend catalog-model's `Entity` schema, which that
    // package does not export. The catalog has already enforced the envelope
    // (SchemaValidEntityPolicy runs before validateEntityKind), so the $ref
    // only needs to resolve here.
    ajv.addSchema({ $id: 'Entity', type: 'object' });
    this.validators = {
      Site: ajv.compile(siteEntityV1alpha1Schema),
      ProductionLine: ajv.compile(productionLineEntityV1alpha1Schema),
    };
  }

  getProcessorName(): string {
    return 'PlantEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (entity.kind !== 'Site' && entity.kind !== 'ProductionLine') {
      return false;
    }
    // A Site or ProductionLine of some other apiVersion group is not ours.
    if (!entity.apiVersion.startsWith('plantops.io/')) {
      return false;
    }
    const label = `${entity.kind} ${entity.metadata.namespace ?? 'default'}/${
      entity.metadata.name
    }`;
    if (entity.apiVersion !== PLANTOPS_API_VERSION) {
      throw new TypeError(
        `${label}: apiVersion ${entity.apiVersion} is not supported; use ${PLANTOPS_API_VERSION}`,
      );
    }
    const validate = this.validators[entity.kind];
    let problems: string[] = [];
    if (!validate(entity)) {
      problems = schemaProblems(validate.errors ?? []);
    } else if (isSiteEntity(entity)) {
      problems = siteProblems(entity);
    } else if (isProductionLineEntity(entity)) {
      problems = lineProblems(entity);
    }
    if (problems.length) {
      throw new TypeError(`${label}: ${problems.join('; ')}`);
    }
    return true;
  }

  async preProcessEntity(input: Entity): Promise<Entity> {
    const entity = withSiteWorkloadSelector(input);
    // Sorted like the built-in kinds' ref lists, so reordering the YAML does
    // not count as a change.
    const field =
      entity.apiVersion === PLANTOPS_API_VERSION
        ? SORTED_REF_LIST[entity.kind]
        : undefined;
    const value = field ? entity.spec?.[field] : undefined;
    if (
      !field ||
      !Array.isArray(value) ||
      !value.every(v => typeof v === 'string')
    ) {
      return entity;
    }
    return { ...entity, spec: { ...entity.spec, [field]: [...value].sort() } };
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const self = getCompoundEntityRef(entity);
    const link = (
      targets: string | string[] | undefined,
      rule: RefRule,
      outgoing: string,
      incoming: string,
    ) => {
      for (const target of [targets ?? []].flat()) {
        const ref = toRef(target, rule, self.namespace);
        emit(
          processingResult.relation({
            source: self,
            type: outgoing,
            target: ref,
          }),
        );
        emit(
          processingResult.relation({
            source: ref,
            type: incoming,
            target: self,
          }),
        );
      }
    };

    if (isSiteEntity(entity)) {
      const spec = entity.spec;
      link(spec.owner, OWNER, RELATION_OWNED_BY, RELATION_OWNER_OF);
      link(spec.system, SYSTEM, RELATION_PART_OF, RELATION_HAS_PART);
      link(
        spec.edgeDevice,
        EDGE_DEVICE,
        RELATION_DEPENDS_ON,
        RELATION_DEPENDENCY_OF,
      );
      link(spec.cluster, CLUSTER, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF);
      link(spec.lines, LINE, RELATION_HAS_PART, RELATION_PART_OF);
    } else if (isProductionLineEntity(entity)) {
      const spec = entity.spec;
      link(spec.site, SITE, RELATION_PART_OF, RELATION_HAS_PART);
      link(spec.owner, OWNER, RELATION_OWNED_BY, RELATION_OWNER_OF);
      link(spec.system, SYSTEM, RELATION_PART_OF, RELATION_HAS_PART);
      link(
        spec.dependsOn,
        SERVICE,
        RELATION_DEPENDS_ON,
        RELATION_DEPENDENCY_OF,
      );
    }
    return entity;
  }
}

/**
 * A Site with a cluster gets `backstage.io/kubernetes-label-selector:
 * plantops.io/site=<name>`, the label the site's edge workloads carry
 * (plant:site:register writes it), so the Kubernetes tab shows them on the
 * Site page. A selector or kubernetes-id the Site sets itself wins.
 */
function withSiteWorkloadSelector(entity: Entity): Entity {
  const annotations = entity.metadata.annotations ?? {};
  if (
    entity.apiVersion !== PLANTOPS_API_VERSION ||
    entity.kind !== 'Site' ||
    typeof entity.spec?.cluster !== 'string' ||
    annotations[KUBERNETES_LABEL_SELECTOR] ||
    annotations[KUBERNETES_ID]
  ) {
    return entity;
  }
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...annotations,
        [KUBERNETES_LABEL_SELECTOR]: `${SITE_LABEL}=${entity.metadata.name}`,
      },
    },
  };
}

const KUBERNETES_LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
const KUBERNETES_ID = 'backstage.io/kubernetes-id';
/** The label the edge workloads of a site carry (value: the Site's name). */
export const SITE_LABEL = 'plantops.io/site';

function toRef(
  value: string,
  rule: RefRule,
  namespace: string,
): CompoundEntityRef {
  const {
    kind,
    namespace: ns,
    name,
  } = parseEntityRef(value, {
    defaultKind: rule.defaultKind,
    defaultNamespace: namespace,
  });
  return { kind, namespace: ns, name };
}

// ---------------------------------------------------------------- checks

function siteProblems(site: SiteEntityV1alpha1): string[] {
  const problems: string[] = [];
  const spec = site.spec;
  const ns = site.metadata.namespace ?? 'default';

  if (!isKnownTimeZone(spec.timezone)) {
    problems.push(
      `spec.timezone must be an IANA time zone, such as Europe/Berlin; "${spec.timezone}" is not one`,
    );
  }
  checkRef(problems, 'spec.owner', spec.owner, OWNER, ns);
  checkRef(problems, 'spec.system', spec.system, SYSTEM, ns);
  checkRef(problems, 'spec.edgeDevice', spec.edgeDevice, EDGE_DEVICE, ns);
  checkRef(problems, 'spec.cluster', spec.cluster, CLUSTER, ns);
  spec.lines?.forEach((line, i) =>
    checkRef(problems, `spec.lines[${i}]`, line, LINE, ns),
  );

  const shifts = spec.shiftCalendar.shifts;
  checkUnique(problems, 'spec.shiftCalendar.shifts', shifts, 'shift');
  shifts.forEach((shift, i) => {
    const field = `spec.shiftCalendar.shifts[${i}]`;
    if (shift.start === shift.end) {
      problems.push(
        `${field} starts and ends at ${shift.start}; give it a later (or, past midnight, earlier) end`,
      );
      return;
    }
    shift.plannedBreaks?.forEach((b, j) => {
      if (!breakWithinShift(b, shift)) {
        problems.push(
          `${field}.plannedBreaks[${j}] (${b.start}-${b.end}) must lie within the shift ${shift.start}-${shift.end}; move it inside or drop it`,
        );
      }
    });
  });

  const opcua = spec.connectors?.opcua ?? [];
  checkUnique(problems, 'spec.connectors.opcua', opcua, 'connector');
  opcua.forEach((c, i) => {
    if ((c.securityMode === 'None') !== (c.securityPolicy === 'None')) {
      problems.push(
        `spec.connectors.opcua[${i}] combines securityMode ${c.securityMode} with securityPolicy ${c.securityPolicy}; use None with None, or Sign/SignAndEncrypt with a policy such as Basic256Sha256`,
      );
    }
  });
  return problems;
}

function lineProblems(line: ProductionLineEntityV1alpha1): string[] {
  const problems: string[] = [];
  const spec = line.spec;
  const ns = line.metadata.namespace ?? 'default';
  checkRef(problems, 'spec.site', spec.site, SITE, ns);
  checkRef(problems, 'spec.owner', spec.owner, OWNER, ns);
  checkRef(problems, 'spec.system', spec.system, SYSTEM, ns);
  spec.dependsOn?.forEach((ref, i) =>
    checkRef(problems, `spec.dependsOn[${i}]`, ref, SERVICE, ns),
  );
  checkUnique(problems, 'spec.machines', spec.machines, 'machine');
  return problems;
}

function checkRef(
  problems: string[],
  field: string,
  value: string | undefined,
  rule: RefRule,
  namespace: string,
) {
  if (value === undefined) return;
  let kind: string;
  try {
    kind = toRef(value, rule, namespace).kind;
  } catch {
    const how = rule.defaultKind ? '' : ' with its kind';
    problems.push(
      `${field} must be an entity ref${how}, such as ${rule.example}; "${value}" is not one`,
    );
    return;
  }
  const allowed = rule.kinds.map(k => k.toLocaleLowerCase('en-US'));
  if (!allowed.includes(kind.toLocaleLowerCase('en-US'))) {
    problems.push(
      `${field} must refer to a ${rule.kinds.join(' or ')}, such as ${
        rule.example
      }; "${value}" is a ${kind}`,
    );
  }
}

function checkUnique(
  problems: string[],
  field: string,
  items: ReadonlyArray<{ name: string }>,
  what: string,
) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) {
      problems.push(
        `${field}[${i}].name "${item.name}" is used by another ${what}; give each ${what} its own name`,
      );
    }
    seen.add(item.name);
  });
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Whether a break lies in a shift; both may run past midnight. */
function breakWithinShift(
  b: { start: string; end: string },
  shift: { start: string; end: string },
): boolean {
  const day = 24 * 60;
  const start = minutes(shift.start);
  const length = (minutes(shift.end) - start + day) % day;
  const offset = (t: string) => (minutes(t) - start + day) % day;
  const bStart = offset(b.start);
  const bEnd = offset(b.end);
  return bStart < bEnd && bEnd <= length;
}

// ---------------------------------------------------------------- messages

type SchemaNode = {
  description?: string;
  examples?: unknown[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  anyOf?: Array<{ required?: string[] }>;
};

/** Turns ajv errors into "<field> must be <what>, such as <example>". */
function schemaProblems(errors: ErrorObject[]): string[] {
  const messages = new Set<string>();
  for (const e of errors) {
    // The anyOf and if/then errors say it better than their branches do.
    if (e.schemaPath.includes('/anyOf/') || e.keyword === 'if') continue;
    messages.add(describe(e));
  }
  return [...messages];
}

function describe(e: ErrorObject): string {
  const field = fieldPath(e.instancePath);
  const schema = (e.parentSchema ?? {}) as SchemaNode;
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      const child = join(field, name);
      return `${child} is missing; add ${expectation(
        schema.properties?.[name],
      )}`;
    }
    case 'additionalProperties':
      return `${field} has an unknown field "${
        params.additionalProperty
      }"; use ${Object.keys(schema.properties ?? {}).join(', ')}`;
    case 'enum':
      return `${field} must be one of ${(
        params.allowedValues as unknown[]
      ).join(', ')}`;
    case 'anyOf': {
      const names = (schema.anyOf ?? []).flatMap(b => b.required ?? []);
      return `${field} needs ${names.join(' or ')}; add at least one`;
    }
    case 'minItems':
      return `${field} must not be empty; add ${expectation(schema)}`;
    case 'uniqueItems':
      return `${field} lists the same value twice (entries ${params.j} and ${params.i}); remove one`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field} must be ${params.comparison} ${
        params.limit
      }: ${expectation(schema)}`;
    default:
      return `${field} must be ${expectation(schema)}`;
  }
}

/** "/spec/machines/0/name" -> "spec.machines[0].name" */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) =>
        /^\d+$/.test(part) ? `${path}[${part}]` : join(path, part),
      '',
    );
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** What a value must be, from the schema's description and first example. */
function expectation(schema: SchemaNode | undefined): string {
  const sentence = schema?.description?.split(/\.(?:\s|$)/)[0];
  let what = sentence ? lowerFirst(sentence) : 'a value';
  if (schema?.enum) {
    what += ` (one of ${schema.enum.join(', ')})`;
  }
  const example = schema?.examples?.[0];
  if (typeof example === 'string' || typeof example === 'number') {
    return `${what}, such as ${example}`;
  }
  if (Array.isArray(example) && example.every(v => typeof v === 'string')) {
    return `${what}, such as [${example.join(', ')}]`;
  }
  return what;
}

/** "An IANA time zone" -> "an IANA time zone"; leaves acronyms alone. */
function lowerFirst(text: string): string {
  return /^[A-Z](?![A-Z])/.test(text)
    ? text[0].toLowerCase() + text.slice(1)
    : text;
}
