// One spelling per mailbox: the unique index is on the normalized form, so "Jane@Example.COM " and
// "jane@example.com" are the same account.

const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// Deliberately loose (one @, no blanks, a dot in the domain): the only real test of an address is mail
// reaching it, and a strict RFC 5322 grammar rejects addresses people actually use.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/u;

export function normalizeEmail(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

/** Whether an already normalized string looks like an email address we accept. */
export function isEmailAddress(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(email) && localPartOf(email).length <= MAX_LOCAL_PART_LENGTH;
}

export function localPartOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
