/** The three patch types the API server accepts besides server-side apply. */

const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge, null deletes, arrays replace. */
export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of the list fields that Kubernetes' Go types tag with
 * `patchStrategy:"merge"`; other lists are replaced, as the server does.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  finalizers: '',
};

/** Strategic merge patch: as merge patch, but keyed lists merge item by item, with `$patch` directives. */
export function strategicMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value) && key in MERGE_KEYS && Array.isArray(result[key])) {
      result[key] = mergeList(result[key], value, MERGE_KEYS[key]);
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeList(current: any[], patch: any[], mergeKey: string): any[] {
  if (!mergeKey) {
    // a list of scalars with strategy merge (finalizers): union
    return [...current, ...patch.filter(v => !current.includes(v))];
  }
  if (patch.some(p => isObject(p) && p.$patch === 'replace')) {
    return patch.filter(p => !(isObject(p) && p.$patch === 'replace'));
  }
  const result = current.map(item => structuredClone(item));
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex(r => isObject(r) && r[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item);
    } else {
      const { $patch: _, ...rest } = item;
      result.push(structuredClone(rest));
    }
  }
  return result;
}

export class JsonPatchError extends Error {}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: any, path: string[]): any {
  return path.reduce((o, k) => {
    if (o === undefined || o === null) throw new JsonPatchError(`path /${path.join('/')} does not exist`);
    return o[k];
  }, doc);
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. */
export function jsonPatch(target: any, ops: any[]): any {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of ops) {
    const path = decodePointer(op.path);
    const write = (p: string[], value: any, insert: boolean) => {
      if (p.length === 0) {
        doc = value;
        return;
      }
      const parent = getAt(doc, p.slice(0, -1));
      const last = p[p.length - 1];
      if (parent === undefined || parent === null) {
        throw new JsonPatchError(`path /${p.join('/')} has no parent`);
      }
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        if (!Number.isInteger(index) || index < 0 || index > parent.length) {
          throw new JsonPatchError(`index ${last} out of range`);
        }
        if (insert) parent.splice(index, 0, value);
        else parent[index] = value;
      } else {
        parent[last] = value;
      }
    };
    const remove = (p: string[]) => {
      const parent = getAt(doc, p.slice(0, -1));
      const last = p[p.length - 1];
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (parent && last in parent) delete parent[last];
      else throw new JsonPatchError(`path /${p.join('/')} does not exist`);
    };
    switch (op.op) {
      case 'add':
        write(path, structuredClone(op.value), true);
        break;
      case 'replace':
        if (getAt(doc, path) === undefined) {
          throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${op.path}`);
        }
        write(path, structuredClone(op.value), false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'move': {
        const from = decodePointer(op.from);
        const value = getAt(doc, from);
        remove(from);
        write(path, value, true);
        break;
      }
      case 'copy':
        write(path, structuredClone(getAt(doc, decodePointer(op.from))), true);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) {
          throw new JsonPatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new JsonPatchError(`unexpected op ${op.op}`);
    }
  }
  return doc;
}
