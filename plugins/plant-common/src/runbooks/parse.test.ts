import { parseRunbook } from './parse';
import { checkRunbookReferences, referenceIndexOf, runbookAppliesTo, validateRunbooks } from './references';
import { resolveParameters, checkExpression } from './expressions';
import type { Entity } from '@backstage/catalog-model';

const today = new Date('2026-12-02T12:00:00Z');

const good = `---
id: service-down
title: Service down
severity: P1
alerts: [ServiceDown]
appliesTo:
  kinds: [Component]
  types: [service]
  entities: [resource:default/ms5-kafka]
owner: group:default/oncall-team
lastReviewed: 2026-12-01
symptoms: [down, unreachable]
---

Summary line.

## Check the pods

Look at them.

\`\`\`bash
kubectl get pods -n iip-applications
\`\`\`

## Roll back

\`\`\`bash
argocd app rollback iip-platform-prod
\`\`\`

\`\`\`template
template: rollback
parameters:
  entity: \${{ entity.ref }}
  namespace: \${{ entity.metadata.annotations['backstage.io/kubernetes-namespace'] }}
  cluster: \${{ context.cluster }}
  label: app=\${{ entity.metadata.name }}
  dryRun: true
\`\`\`
`;

const entity = (kind: string, name: string, type?: string, extra: Partial<Entity['metadata']> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...extra },
  spec: type ? { type } : {},
});

const catalog = [
  entity('Group', 'oncall-team'),
  entity('Template', 'rollback'),
  entity('Resource', 'ms5-kafka', 'message-broker'),
  entity('Component', 'scada-service', 'service'),
];
const index = referenceIndexOf(catalog, ['ServiceDown', 'HighErrorRate']);

const withFront = (replace: [string, string][]) => replace.reduce((t, [a, b]) => t.replace(a, b), good);
const messagesOf = (text: string) => parseRunbook('broken.md', text, { today }).problems.map(p => p.message);

describe('parseRunbook', () => {
  it('reads the front matter, summary, steps, commands and templates', () => {
    const { runbook, problems } = parseRunbook('service-down.md', good, { today });
    expect(problems).toEqual([]);
    expect(runbook).toMatchObject({
      id: 'service-down',
      severity: 'P1',
      alerts: ['ServiceDown'],
      owner: 'group:default/oncall-team',
      lastReviewed: '2026-12-01',
      summary: 'Summary line.',
      source: 'service-down.md',
    });
    expect(runbook!.steps.map(s => s.title)).toEqual(['Check the pods', 'Roll back']);
    expect(runbook!.steps[0]).toMatchObject({
      number: 1,
      text: 'Look at them.',
      commands: [{ language: 'bash', code: 'kubectl get pods -n iip-applications' }],
      templates: [],
    });
    expect(runbook!.steps[1].templates).toEqual([
      {
        template: 'rollback',
        parameters: {
          entity: '${{ entity.ref }}',
          namespace: "${{ entity.metadata.annotations['backstage.io/kubernetes-namespace'] }}",
          cluster: '${{ context.cluster }}',
          label: 'app=${{ entity.metadata.name }}',
          dryRun: true,
        },
      },
    ]);
  });

  it('names the file, the field and the fix for each broken field', () => {
    expect(messagesOf('# no front matter')).toEqual([
      'broken.md: front matter: missing. start the file with a YAML block between two "---" lines (see runbooks/README.md)',
    ]);
    expect(messagesOf(withFront([['severity: P1', 'severity: critical']]))).toEqual([
      'broken.md: severity: "critical" is not a severity. use one of P1, P2, P3, P4',
    ]);
    expect(messagesOf(withFront([['id: service-down\n', '']]))).toEqual([
      'broken.md: id: missing. add e.g. "id: service-down" (lowercase words joined by "-")',
    ]);
    expect(messagesOf(withFront([['lastReviewed: 2026-12-01', 'lastReviewed: last week']]))[0]).toBe(
      'broken.md: lastReviewed: "last week" is not a date. write the date of the last review as YYYY-MM-DD, e.g. lastReviewed: 2026-12-02',
    );
    expect(messagesOf(withFront([['lastReviewed: 2026-12-01', 'lastReviewed: 2027-01-01']]))).toEqual([
      'broken.md: lastReviewed: 2027-01-01 is in the future. write the date the runbook was last reviewed',
    ]);
    expect(messagesOf(withFront([['alerts: [ServiceDown]', 'alert: [ServiceDown]']]))).toEqual([
      'broken.md: alert: is not a runbook field. remove it or use one of id, title, severity, alerts, appliesTo, owner, lastReviewed, symptoms',
    ]);
    expect(messagesOf(withFront([['owner: group:default/oncall-team', 'owner: user:default/maria']]))).toEqual([
      'broken.md: owner: "user:default/maria" is not a Group. name a Group, e.g. group:default/oncall-team',
    ]);
    expect(messagesOf(withFront([['  kinds: [Component]\n  types: [service]\n  entities: [resource:default/ms5-kafka]', '  kinds: []']]))).toEqual([
      'broken.md: appliesTo: is empty, so the runbook applies to nothing. list kinds, types or entities',
    ]);
    expect(messagesOf(withFront([['title: Service down', 'title: [oops']]))[0]).toMatch(
      /^broken\.md: front matter: not valid YAML \(.+\)\. fix the YAML between the "---" lines$/,
    );
  });

  it('rejects bad steps, template blocks and expressions', () => {
    expect(messagesOf(good.slice(0, good.indexOf('## Check')))).toEqual([
      'broken.md: steps: the runbook has no steps. add at least one step as a "## " heading',
    ]);
    expect(messagesOf(withFront([['${{ context.cluster }}', '${{ secrets.token }}']]))).toEqual([
      'broken.md: steps[2] "Roll back" template.parameters.cluster: "${{ secrets.token }}": "secrets" is not something a runbook can read; use entity.*, context.*, alert.*. see runbooks/README.md for the expressions a runbook can use',
    ]);
    expect(messagesOf(withFront([['template: rollback', 'templte: rollback']]))).toEqual([
      'broken.md: steps[2] "Roll back" template.templte: is not a field of a template step. use "template" and "parameters"',
      'broken.md: steps[2] "Roll back" template.template: missing. name the template, e.g. "template: rollback"',
    ]);
    expect(messagesOf(withFront([['```bash\nargocd', '```python\nargocd']]))).toEqual([
      'broken.md: steps[2] "Roll back" code block: language "python" is neither a command nor a template. use one of bash, sh, shell, sql, yaml, text, console, or "template"',
    ]);
    expect(messagesOf(`${good}\n## Unclosed\n\n\`\`\`bash\nkubectl get nodes\n`)).toEqual([
      'broken.md: body: a code block opened with ``` is never closed. close it with a line of ```',
    ]);
  });

  it('does not take a "## " line inside a code block for a step', () => {
    const text = withFront([['kubectl get pods -n iip-applications', '## not a heading\nkubectl get pods']]);
    const { runbook } = parseRunbook('x.md', text, { today });
    expect(runbook!.steps).toHaveLength(2);
    expect(runbook!.steps[0].commands[0].code).toBe('## not a heading\nkubectl get pods');
  });
});

describe('checkRunbookReferences and validateRunbooks', () => {
  it('accepts references that exist', () => {
    const { runbook } = parseRunbook('ok.md', good, { today });
    expect(checkRunbookReferences(runbook!, index)).toEqual([]);
  });

  it('names every missing template, alert, entity and owner', () => {
    const text = withFront([
      ['alerts: [ServiceDown]', 'alerts: [ServiceDwn]'],
      ['resource:default/ms5-kafka', 'resource:default/no-such-thing'],
      ['group:default/oncall-team', 'group:default/nobody'],
      ['template: rollback', 'template: roll-back'],
    ]);
    const { runbook } = parseRunbook('refs.md', text, { today });
    expect(checkRunbookReferences(runbook!, index).map(p => p.message)).toEqual([
      'refs.md: alerts: no alert rule named "ServiceDwn". use an alert from the Prometheus rules (HighErrorRate, ServiceDown) or add the rule',
      'refs.md: appliesTo.entities: "resource:default/no-such-thing" is not in the catalog. fix the ref (kind:namespace/name) or remove it',
      'refs.md: owner: "group:default/nobody" is not a Group in the catalog. name an existing Group, e.g. group:default/oncall-team',
      'refs.md: steps[2] "Roll back" template.template: no Template "roll-back" in the catalog. fix the name or register the template in the catalog',
    ]);
  });

  it('names a parameter the template does not declare', () => {
    const template: Entity = {
      ...entity('Template', 'rollback'),
      spec: { parameters: [{ properties: { entity: {}, namespace: {} } }, { properties: { cluster: {}, label: {}, dryRun: {} } }] },
    };
    const { runbook } = parseRunbook('p.md', withFront([['dryRun: true', 'dryrun: true']]), { today });
    const withParams = referenceIndexOf([...catalog.filter(e => e.kind !== 'Template'), template], ['ServiceDown']);
    expect(checkRunbookReferences(runbook!, withParams).map(p => p.message)).toEqual([
      'p.md: steps[2] "Roll back" template.parameters.dryrun: Template "rollback" has no parameter "dryrun". use one of entity, namespace, cluster, label, dryRun',
    ]);
  });

  it('keeps the good runbooks when one is broken, and refuses a second runbook with the same id', () => {
    const set = validateRunbooks(
      [
        { source: 'a.md', text: good },
        { source: 'b.md', text: withFront([['severity: P1', 'severity: P9']]) },
        { source: 'c.md', text: withFront([['title: Service down', 'title: Copy']]) },
        { source: 'd.md', text: withFront([['id: service-down', 'id: other'], ['template: rollback', 'template: nope']]) },
      ],
      index,
      { today },
    );
    expect(set.runbooks.map(r => r.source)).toEqual(['a.md']);
    expect(set.problems.map(p => [p.source, p.field])).toEqual([
      ['b.md', 'severity'],
      ['c.md', 'id'],
      ['d.md', 'steps[2] "Roll back" template.template'],
    ]);
  });
});

describe('runbookAppliesTo', () => {
  const { runbook } = parseRunbook('ok.md', good, { today });
  it('matches listed entities, and kinds and types together', () => {
    expect(runbookAppliesTo(runbook!, entity('Component', 'scada-service', 'service'))).toBe(true);
    expect(runbookAppliesTo(runbook!, entity('component', 'scada-ui', 'website'))).toBe(false);
    expect(runbookAppliesTo(runbook!, entity('Resource', 'ms5-kafka', 'message-broker'))).toBe(true);
    expect(runbookAppliesTo(runbook!, entity('Resource', 'ms5-redis', 'cache'))).toBe(false);
    expect(runbookAppliesTo({ appliesTo: { entities: ['resource:default/ms5-kafka'] } }, entity('Component', 'x', 'service'))).toBe(false);
  });
});

describe('resolveParameters', () => {
  const ctx = {
    entity: {
      ...entity('Component', 'scada-service', 'service', {
        annotations: { 'backstage.io/kubernetes-namespace': 'iip-applications' },
      }),
      ref: 'component:default/scada-service',
    },
    context: { namespace: 'iip-applications', cluster: 'resource:default/iip-prod-cluster' },
    alert: { name: 'ServiceDown', labels: { instance: 'scada:8080' } },
  };

  it('fills expressions, keeps the type of a whole-value expression, and leaves out what it cannot fill', () => {
    expect(
      resolveParameters(
        {
          entity: '${{ entity.ref }}',
          namespace: "${{ entity.metadata.annotations['backstage.io/kubernetes-namespace'] }}",
          cluster: '${{context.cluster}}',
          label: 'app=${{ entity.metadata.name }}',
          instance: '${{ alert.labels.instance }}',
          environment: '${{ context.environment }}',
          note: 'on ${{ alert.labels.missing }}',
          fixed: 'ms5-consumer-group',
          dryRun: true,
          nested: { list: ['${{ entity.metadata.name }}'] },
        },
        ctx,
      ),
    ).toEqual({
      entity: 'component:default/scada-service',
      namespace: 'iip-applications',
      cluster: 'resource:default/iip-prod-cluster',
      label: 'app=scada-service',
      instance: 'scada:8080',
      fixed: 'ms5-consumer-group',
      dryRun: true,
      nested: { list: ['scada-service'] },
    });
  });

  it('checks expression paths', () => {
    expect(checkExpression("entity.metadata.annotations['a/b']")).toBeUndefined();
    expect(checkExpression('alert.labels.instance')).toBeUndefined();
    expect(checkExpression('context.region')).toBe('context has context.namespace, context.cluster, context.environment');
    expect(checkExpression('alert.labels')).toBe('alert has alert.name and alert.labels.<label>');
    expect(checkExpression('entity')).toMatch(/^name a field of the entity/);
    expect(checkExpression('entity..name')).toMatch(/^cannot read/);
    expect(checkExpression('.entity')).toMatch(/^cannot read/);
  });
});
