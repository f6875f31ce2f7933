import type { Role } from '@shop/kit';

/** Who may call a route: anyone, any signed-in user, or admins only. An admin may do all a customer may. */
export type Access = 'public' | 'customer' | 'admin';

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

const RANK: Record<Access, number> = { public: 0, customer: 1, admin: 2 };

export function authorize(required: Access, caller: { role: Role } | undefined): Decision {
  if (required === 'public') return 'allow';
  if (!caller) return 'unauthenticated';
  return RANK[caller.role] >= RANK[required] ? 'allow' : 'forbidden';
}

export const isRole = (value: unknown): value is Role => value === 'customer' || value === 'admin';
