import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniformly random base62 text from the CSPRNG (randomInt avoids the modulo bias of bytes % 62). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** A payment-method token: `pm_` + 24 base62 characters (about 143 bits), the contracts' pattern. */
export const newPaymentMethodToken = (): string => `pm_${randomBase62(24)}`;

/** The id of one authorization, the one every later capture, void or refund refers to. */
export const newPaymentId = (): string => `pay_${randomBase62(24)}`;
