import { identitySettings, int, readConfig, sharedSettings, str } from '@shop/kit';

export const settings = {
  ...sharedSettings({ port: 3103, opsPort: 9303, bodyLimit: '16kb' }),
  stateStore: str('CART_STATE_STORE', { doc: 'Dapr state store component (ETags and TTL) holding the carts', default: 'cartstore' }),
  cartTtlSeconds: int('CART_TTL_SECONDS', {
    doc: 'a cart nobody writes to for this long expires (every write renews it)',
    default: 30 * 24 * 3600,
    min: 1,
  }),
  ...identitySettings,
  catalogAppId: str('CATALOG_APP_ID', { doc: 'Dapr app id of the catalog service', default: 'catalog' }),
  catalogTimeoutMs: int('CATALOG_TIMEOUT_MS', {
    doc: 'how long one look-up in the catalog (one product, or all of a cart at once) may take (a slow one shows the lines without current data)',
    default: 1_500,
    min: 1,
  }),
};

export type CartConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
