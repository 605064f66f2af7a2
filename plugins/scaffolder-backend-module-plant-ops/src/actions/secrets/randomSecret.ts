import { randomBytes } from 'node:crypto';

export const SECRET_ENCODINGS = ['base64', 'base64url', 'hex'] as const;
export type SecretEncoding = (typeof SECRET_ENCODINGS)[number];

/**
 * A new random secret as text, like `openssl rand -base64 32`: `bytes` bytes
 * from the CSPRNG in the chosen encoding.
 */
export function generateRandomSecret(bytes: number, encoding: SecretEncoding): string {
  return randomBytes(bytes).toString(encoding);
}
