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
}
