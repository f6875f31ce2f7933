// GET /me/overview: the profile, a cart summary and the recent orders, fetched at once. The profile is the
// point of the call, so its failure is the call's failure; the other parts degrade to null and are named.

export interface OverviewSources {
  profile(): Promise<unknown>;
  cart(): Promise<unknown>;
  recentOrders(): Promise<unknown>;
}

export type OptionalPart = 'cart' | 'recentOrders';

export interface Overview {
  profile: unknown;
  cart: unknown;
  recentOrders: unknown[] | null;
  degraded: OptionalPart[];
}

/** An order history page (`{items}`) or a bare list, as the list of orders. */
function ordersOf(page: unknown): unknown[] {
  if (Array.isArray(page)) return page;
  const items = (page as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items;
  throw new Error('the orders answer has no list of orders');
}

export async function buildOverview(
  sources: OverviewSources,
  onDegraded: (part: OptionalPart, reason: unknown) => void,
): Promise<Overview> {
  const [profile, cart, orders] = await Promise.allSettled([sources.profile(), sources.cart(), sources.recentOrders().then(ordersOf)]);
  if (profile.status === 'rejected') throw profile.reason;
  const degraded: OptionalPart[] = [];
  const part = <T>(name: OptionalPart, result: PromiseSettledResult<T>): T | null => {
    if (result.status === 'fulfilled') return result.value;
    degraded.push(name);
    onDegraded(name, result.reason);
    return null;
  };
  return { profile: profile.value, cart: part('cart', cart), recentOrders: part('recentOrders', orders), degraded };
}
