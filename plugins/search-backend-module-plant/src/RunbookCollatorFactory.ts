import { Readable } from 'node:stream';
import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import type { DocumentCollatorFactory, IndexableDocument } from '@backstage/plugin-search-common';
import type { Runbook } from '@plantops/backstage-plugin-plant-common';

/** A runbook in the search index: found by its title, alerts, symptoms, steps and commands. */
export interface RunbookDocument extends IndexableDocument {
  id: string;
  severity: string;
  alerts: string[];
  owner: string;
}

export function runbookDocument(r: Runbook): RunbookDocument {
  const steps = r.steps.map(s => [s.title, s.text, ...s.commands.map(c => c.code), ...s.templates.map(t => `template ${t.template}`)].join('\n'));
  return {
    title: r.title,
    location: `/runbooks/${r.id}`,
    text: [r.summary, `Alerts: ${r.alerts.join(' ')}`, `Symptoms: ${r.symptoms.join(', ')}`, ...steps].join('\n\n'),
    id: r.id,
    severity: r.severity,
    alerts: r.alerts,
    owner: r.owner,
  };
}

/** Reads the runbooks the plant backend serves (already checked) and hands them to search. */
export class RunbookCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'plant-runbook';

  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService; fetch?: typeof fetch }) {}

  async getCollator(): Promise<Readable> {
    const base = await this.deps.discovery.getBaseUrl('plant');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'plant',
    });
    const res = await (this.deps.fetch ?? fetch)(`${base}/runbooks`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`Runbook search index: GET ${base}/runbooks answered ${res.status} ${res.statusText}`);
    const { items } = (await res.json()) as { items: Runbook[] };
    return Readable.from(items.map(runbookDocument));
  }
}
