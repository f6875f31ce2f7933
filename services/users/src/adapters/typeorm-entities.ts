import { EntitySchema } from 'typeorm';
import type { Role } from '@shop/kit';
import type { Address } from '../domain/user';

// Schemas only describe the tables to TypeORM; the tables come from migrations (never `synchronize`),
// so constraints and indexes here are documentation that must match the migration SQL.

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  addresses: Address[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RefreshTokenRow {
  id: string;
  tokenHash: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'app_user',
  tableName: 'app_user',
  columns: {
    id: { type: 'uuid', primary: true, primaryKeyConstraintName: 'app_user_pkey', generated: 'uuid' },
    email: { type: 'varchar', length: 254, unique: true },
    name: { type: 'varchar', length: 100 },
    passwordHash: { name: 'password_hash', type: 'text' },
    role: { type: 'varchar', length: 16, default: 'customer' },
    addresses: { type: 'jsonb', default: () => "'[]'::jsonb" },
    // Millisecond precision, so a JavaScript Date (and a cursor built from it) holds the exact value.
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' },
    updatedAt: { name: 'updated_at', type: 'timestamptz', precision: 3, default: () => 'now()' },
  },
  checks: [
    { name: 'app_user_role_check', expression: `role IN ('customer', 'admin')` },
    { name: 'app_user_email_normalized_check', expression: `email = btrim(email) AND email !~ '[A-Z]'` },
  ],
  indices: [{ name: 'app_user_created_at_idx', columns: ['createdAt', 'id'], synchronize: false }],
});

export const RefreshTokenEntity = new EntitySchema<RefreshTokenRow>({
  name: 'refresh_token',
  tableName: 'refresh_token',
  columns: {
    id: { type: 'uuid', primary: true, primaryKeyConstraintName: 'refresh_token_pkey', generated: 'uuid' },
    tokenHash: { name: 'token_hash', type: 'char', length: 64, unique: true },
    familyId: { name: 'family_id', type: 'uuid' },
    userId: { name: 'user_id', type: 'uuid' },
    expiresAt: { name: 'expires_at', type: 'timestamptz', precision: 3 },
    usedAt: { name: 'used_at', type: 'timestamptz', precision: 3, nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' },
  },
  indices: [
    { name: 'refresh_token_family_id_idx', columns: ['familyId'], synchronize: false },
    { name: 'refresh_token_user_id_idx', columns: ['userId'], synchronize: false },
    { name: 'refresh_token_expires_at_idx', columns: ['expiresAt'], synchronize: false },
  ],
});
