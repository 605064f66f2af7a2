import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { UrlReaderService } from '@backstage/backend-plugin-api';

/** Where runbooks come from: a folder on disk, or a URL (one file, or a tree the URL reader can read). */
export interface RunbookLocation {
  type: 'dir' | 'url';
  target: string;
}

export interface RunbookFile {
  source: string;
  text: string;
}

/** A URL as it may be shown and logged: credentials in it are masked. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

const isRunbookFile = (p: string) => p.endsWith('.md') && path.basename(p).toLowerCase() !== 'readme.md';

/**
 * Reads every runbook file of the locations. A location that cannot be read
 * is reported, not thrown, so one broken location hides no other runbook.
 */
export async function readRunbookFiles(
  locations: RunbookLocation[],
  urlReader: UrlReaderService,
): Promise<{ files: RunbookFile[]; errors: { source: string; message: string }[] }> {
  const files: RunbookFile[] = [];
  const errors: { source: string; message: string }[] = [];
  for (const loc of locations) {
    try {
      if (loc.type === 'dir') {
        const dir = path.resolve(loc.target);
        const names = (await fs.readdir(dir, { recursive: true })).filter(n => isRunbookFile(n)).sort();
        for (const name of names) {
          files.push({ source: `runbooks/${name.split(path.sep).join('/')}`, text: await fs.readFile(path.join(dir, name), 'utf8') });
        }
      } else if (new URL(loc.target).pathname.endsWith('.md')) {
        const res = await urlReader.readUrl(loc.target);
        files.push({ source: displayUrl(loc.target), text: (await res.buffer()).toString('utf8') });
      } else {
        const tree = await urlReader.readTree(loc.target, { filter: p => isRunbookFile(p) });
        const entries = await tree.files();
        entries.sort((a, b) => a.path.localeCompare(b.path));
        for (const f of entries) {
          files.push({ source: `${displayUrl(loc.target).replace(/\/$/, '')}/${f.path}`, text: (await f.content()).toString('utf8') });
        }
      }
    } catch (e) {
      // The reader's message may quote the URL, credentials included.
      const shown = displayUrl(loc.target);
      const message = (e as Error).message.split(loc.target).join(shown);
      errors.push({ source: shown, message: `cannot read runbook location ${loc.type}:${shown}: ${message}` });
    }
  }
  return { files, errors };
}

/** Alert names of Prometheus rule files (`groups[].rules[].alert`). */
export async function readAlertNames(ruleFiles: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of ruleFiles) {
    const doc = parseYaml(await fs.readFile(path.resolve(file), 'utf8')) as {
      groups?: { rules?: { alert?: string }[] }[];
    };
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) if (rule.alert) names.add(rule.alert);
    }
  }
  return names;
}
