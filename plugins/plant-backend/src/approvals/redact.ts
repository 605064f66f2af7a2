import type { JsonValue } from '@backstage/types';

const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|private.?key|credential|api.?key|\bkey$)/i;

/**
 * Masks every value under a key that names a secret, at any depth. Approval
 * plans are shown to more people than a secret's owner, so a step output
 * that carries one by mistake must not end up on the Approvals page.
 */
export function redactSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== null ? '***' : redactSecrets(v as JsonValue)]),
    );
  }
  return value;
}
