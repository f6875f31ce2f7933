import type { ProductSnapshot } from '../domain/cart';

/**
 * The catalog as the cart sees it. dapr-product-catalog.ts asks the catalog service through Dapr
 * service invocation.
 */
export interface ProductCatalog {
  /**
   * The product as the catalog has it now, or undefined when it does not exist. Throws (DependencyError)
   * when the catalog cannot answer, including when it does not answer in time.
   */
  find(productId: string): Promise<ProductSnapshot | undefined>;
  /**
   * The products as the catalog has them now, asked all at once (one call), keyed by the ids as given;
   * an id the catalog does not know is absent from the map. Throws (DependencyError) like `find`.
   */
  findMany(productIds: readonly string[]): Promise<Map<string, ProductSnapshot>>;
}
