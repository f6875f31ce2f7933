import { createHash } from 'node:crypto';

// A refresh token as it is stored: only its hash, in a family of the tokens descended from one login.

export interface RefreshTokenRecord {
  id: string;
  tokenHash: string;
  /** Every token descended from one login shares it; reuse of any of them revokes all. */
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export type NewRefreshToken = Pick<RefreshTokenRecord, 'tokenHash' | 'familyId' | 'userId' | 'expiresAt'>;

/** Only the hash is stored: a copy of the table does not hand out sessions. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
