import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Entity } from '@backstage/catalog-model';

/** The repository root (this file is plugins/plant-backend/src/runbooks/testing). */
export const REPO_ROOT = path.resolve(__dirname, '../../../../..');

/** The template names issue 6 fixed (templates/<name>/template.yaml). */
export const AGREED_TEMPLATE_NAMES = [
  'deploy', 'rollback', 'backup-database', 'restore-database', 'velero-backup', 'rotate-jwt-secret',
  'rotate-db-password', 'rotate-tls-certificate', 'database-failover', 'database-failback', 'drain-node',
  'maintenance-mode', 'emergency-scale-down', 'restore-scale', 'reset-consumer-offsets', 'onboard-edge-site',
];

function readYamlEntities(file: string): Entity[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJS())
    .filter((e): e is Entity => !!e && typeof e.kind === 'string' && e.kind !== 'Location')
    .map(e => ({ ...e, metadata: { namespace: 'default', ...e.metadata } }));
}

/** The entities of catalog/*.yaml and templates/<name>/template.yaml, as the catalog would hold them. */
export function repoCatalogEntities(): Entity[] {
  const entities: Entity[] = [];
  const catalogDir = path.join(REPO_ROOT, 'catalog');
  for (const f of fs.readdirSync(catalogDir).filter(n => n.endsWith('.yaml'))) {
    entities.push(...readYamlEntities(path.join(catalogDir, f)));
  }
  const templatesDir = path.join(REPO_ROOT, 'templates');
  if (fs.existsSync(templatesDir)) {
    for (const name of fs.readdirSync(templatesDir)) {
      const file = path.join(templatesDir, name, 'template.yaml');
      if (fs.existsSync(file)) entities.push(...readYamlEntities(file));
    }
  }
  return entities;
}
