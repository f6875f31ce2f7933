import { ValidationError } from '@shop/kit';
import { localPartOf } from './email';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
// Below this, "contains the local part" would forbid nearly every password of a user called "al".
const MIN_LOCAL_PART_TO_MATCH = 3;

/**
 * What is wrong with a new password for the account `email` (normalized), as messages; empty when it
 * is acceptable. Length counts Unicode code points, so an emoji is one character, not two.
 */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  if (length > 0 && /^(.)\1*$/su.test(password)) problems.push('must not be a single repeated character');

  const lower = password.normalize('NFC').toLowerCase();
  const local = localPartOf(email);
  // "jane+shop@…" is often chosen as a tag of "jane@…": the base name is just as guessable.
  const names = [...new Set([local, local.split('+')[0] ?? ''])];
  if (lower === local) problems.push('must not be the same as the email address');
  else if (names.some((name) => name.length >= MIN_LOCAL_PART_TO_MATCH && lower.includes(name))) {
    problems.push('must not contain the name part of the email address');
  }
  return problems;
}

/** Throws a 400 naming body.password once per problem. */
export function assertPasswordAllowed(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length) throw new ValidationError(problems.map((message) => ({ field: 'body.password', message })));
}
