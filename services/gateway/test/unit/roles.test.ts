import { authorize, isRole, type Access } from '../../src/domain/roles';

describe('authorize', () => {
  it.each<[Access, 'customer' | 'admin' | undefined, string]>([
    ['public', undefined, 'allow'],
    ['public', 'customer', 'allow'],
    ['customer', undefined, 'unauthenticated'],
    ['customer', 'customer', 'allow'],
    ['customer', 'admin', 'allow'],
    ['admin', undefined, 'unauthenticated'],
    ['admin', 'customer', 'forbidden'],
    ['admin', 'admin', 'allow'],
  ])('when a %s route is called by %s, then the decision is %s', (access, role, decision) => {
    expect(authorize(access, role ? { role } : undefined)).toBe(decision);
  });

  it('when a role claim is not customer or admin, then it is not a role', () => {
    expect([isRole('customer'), isRole('admin'), isRole('root'), isRole(undefined), isRole(['admin'])]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
