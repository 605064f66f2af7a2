import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Entity } from '@backstage/catalog-model';

/** The demo Sites and ProductionLines of the repository's catalog (catalog/sites.yaml). */
export function demoSiteEntities(): Entity[] {
  const file = path.resolve(__dirname, '../../../../catalog/sites.yaml');
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON() as Entity);
}
