/**
 * Password hashing with scrypt from node:crypto (a memory-hard KDF; no native add-on to build on
 * an offline server). Parameters follow OWASP's password storage guidance for scrypt (N=2^17,
 * r=8, p=1) and are stored with each hash, so they can be raised later without breaking old ones.
 * scrypt runs on libuv's thread pool: hashing never blocks the event loop.
 *
 *   scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
export const DEFAULT_KDF = { log2N: 17, r: 8, p: 1 } as const;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below N=2^17
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, kdf: { log2N: number; r: number; p: number } = DEFAULT_KDF): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, kdf.log2N, kdf.r, kdf.p);
  return ['scrypt', kdf.log2N, kdf.r, kdf.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** false for a wrong password or a malformed hash; the comparison takes constant time */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), log2N, r, p);
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** A password a person can type from a printout: 20 characters, no look-alikes (≈ 116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // rejection sampling keeps every character equally likely
  const limit = 256 - (256 % alphabet.length);
  for (const b of bytes) {
    if (b >= limit) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : generatePassword(length);
}
