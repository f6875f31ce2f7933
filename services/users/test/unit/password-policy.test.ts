import { ValidationError } from '@shop/kit';
import { assertPasswordAllowed, passwordProblems } from '../../src/domain/password-policy';

const EMAIL = 'jane.doe@example.com';

describe('password policy', () => {
  it.each([
    ['ten characters exactly', 'correct-ho'],
    ['128 characters exactly', 'ab'.repeat(64)],
    ['a passphrase', 'correct horse battery staple'],
    ['ten emoji (counted as characters, not UTF-16 units)', '🐴🔋📎🐎🔌🧷🦄🐆🐢🐙'],
  ])('when the password is %s, then it is accepted', (_what, password) => {
    expect(passwordProblems(password, EMAIL)).toEqual([]);
  });

  it.each([
    ['nine characters', 'short-pwd', 'must be at least 10 characters long'],
    ['five emoji (ten UTF-16 units)', '🐴🔋📎🐎🔌', 'must be at least 10 characters long'],
    ['129 characters', 'ab'.repeat(64) + 'c', 'must be at most 128 characters long'],
    ['one character repeated', 'aaaaaaaaaaaa', 'must not be a single repeated character'],
    ['the local part of the email', 'jane.doe.2024!', 'must not contain the name part of the email address'],
    ['the local part in another case', 'My-JANE.DOE-pass', 'must not contain the name part of the email address'],
  ])('when the password is %s, then the problem says so', (_what, password, message) => {
    expect(passwordProblems(password, EMAIL)).toContain(message);
  });

  it('when the password equals the local part, then it is refused as the email address', () => {
    expect(passwordProblems('jane.doe.smith', 'jane.doe.smith@example.com')).toEqual(['must not be the same as the email address']);
  });

  it('when the email carries a +tag, then the untagged name is refused too', () => {
    expect(passwordProblems('i-am-janedoe-really', 'janedoe+shop@example.com')).toEqual([
      'must not contain the name part of the email address',
    ]);
  });

  it('when the local part is shorter than three characters, then containing it is allowed', () => {
    expect(passwordProblems('al-is-a-great-pal', 'al@example.com')).toEqual([]);
  });

  it('when several rules fail, then each is reported on body.password', () => {
    const act = () => assertPasswordAllowed('jjjj', 'jjjj@example.com');
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(
      expect.objectContaining({
        errors: [
          { field: 'body.password', message: 'must be at least 10 characters long' },
          { field: 'body.password', message: 'must not be a single repeated character' },
          { field: 'body.password', message: 'must not be the same as the email address' },
        ],
      }),
    );
  });
});
