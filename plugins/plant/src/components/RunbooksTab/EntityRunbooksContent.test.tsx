import fs from 'node:fs';
import path from 'node:path';
import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { parseRunbook } from '@plantops/backstage-plugin-plant-common';
import { RunbooksApi, runbooksApiRef } from '../../api/RunbooksApi';
import { EntityRunbooksContent } from './EntityRunbooksContent';

jest.setTimeout(60_000);

const REPO = path.resolve(__dirname, '../../../../..');
const read = (id: string) => parseRunbook(`runbooks/${id}.md`, fs.readFileSync(path.join(REPO, `runbooks/${id}.md`), 'utf8')).runbook!;

const kafka: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'ms5-kafka', namespace: 'default' },
  spec: { type: 'message-broker' },
};

describe('EntityRunbooksContent', () => {
  it('lists the runbooks that apply to the entity, most severe first, linked for the entity', async () => {
    const listRunbooks = jest.fn(async () => ({ items: [read('kafka-consumer-lag'), read('service-down')], problems: [] }));
    await renderInTestApp(
      <EntityProvider entity={kafka}>
        <EntityRunbooksContent />
      </EntityProvider>,
      { apis: [[runbooksApiRef, { listRunbooks } as Partial<RunbooksApi> as RunbooksApi]] },
    );
    const first = await screen.findByRole('link', { name: 'Service down' }, { timeout: 20_000 });
    expect(listRunbooks).toHaveBeenCalledWith({ entity: 'resource:default/ms5-kafka' });
    expect(first).toHaveAttribute('href', '/runbooks/service-down?entity=resource%3Adefault%2Fms5-kafka');
    const links = screen.getAllByRole('link').map(l => l.textContent);
    expect(links.indexOf('Service down')).toBeLessThan(links.indexOf('Kafka consumer lag'));
    expect(screen.getByText('KafkaConsumerLagHigh')).toBeInTheDocument();
  });
});
