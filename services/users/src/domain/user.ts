import { ValidationError, type FieldProblem, type Role } from '@shop/kit';
import { isCountryCode } from './countries';

export const MAX_ADDRESSES = 10;

export interface Address {
  label?: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface UserRecord {
  id: string;
  /** Normalized: trimmed, NFC, lower case. */
  email: string;
  name: string;
  role: Role;
  addresses: Address[];
  passwordHash: string;
  createdAt: Date;
}

export type NewUser = Pick<UserRecord, 'email' | 'name' | 'role' | 'passwordHash'>;

/** What POST /users answers. */
export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** What /me and the admin routes answer. Never the password hash. */
export interface Profile extends UserSummary {
  addresses: Address[];
}

export function toSummary(user: UserRecord): UserSummary {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function toProfile(user: UserRecord): Profile {
  return { ...toSummary(user), addresses: user.addresses };
}

/** Blanks around a display name are noise; the schema has already required something that is not blank. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim();
}

/**
 * Trims every field, drops empty optional ones, and checks what the schema cannot: that each country
 * is an assigned ISO code. Problems name `body.addresses[i].<field>`.
 */
export function normalizeAddresses(addresses: readonly Address[]): Address[] {
  if (addresses.length > MAX_ADDRESSES) {
    throw new ValidationError([{ field: 'body.addresses', message: `must not have more than ${MAX_ADDRESSES} items` }]);
  }
  const problems: FieldProblem[] = [];
  const normalized = addresses.map((a, i) => {
    const out: Address = { line1: a.line1.trim(), city: a.city.trim(), postalCode: a.postalCode.trim(), country: a.country };
    if (a.label?.trim()) out.label = a.label.trim();
    if (a.line2?.trim()) out.line2 = a.line2.trim();
    if (!isCountryCode(a.country)) {
      problems.push({ field: `body.addresses[${i}].country`, message: 'must be an ISO 3166-1 alpha-2 country code' });
    }
    return out;
  });
  if (problems.length) throw new ValidationError(problems);
  return normalized;
}
