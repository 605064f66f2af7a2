import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * A SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid, built the way
 * libpq's PQencryptPasswordConn does (RFC 5802/7677): the server only ever
 * sees this, never the password. Passwords we generate are printable ASCII,
 * for which SASLprep is the identity.
 */
export function scramSha256Verifier(password: string, iterations = 4096, salt = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A random password of 32 URL-safe characters (192 bits). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** A short fingerprint to name a verifier in logs and outputs without revealing it. */
export function fingerprint(verifier: string): string {
  return createHash('sha256').update(verifier).digest('hex').slice(0, 12);
}
