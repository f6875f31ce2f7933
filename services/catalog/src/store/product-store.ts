import type { CategoryNode, ProductPage, ProductQuery, ProductView } from '../domain/product';

/** What the catalog's use cases and routes need from product storage; typeorm-product-store.ts is the adapter. */
export interface ProductStore {
  /**
   * One keyset page. Throws ValidationError for a query the rules reject (price range, limit) or a cursor
   * that is malformed or made for another sort. An unknown category slug gives an empty page.
   */
  search(query: ProductQuery): Promise<ProductPage>;
  /** Undefined for an unknown id, including one that is not a UUID at all. */
  getById(id: string): Promise<ProductView | undefined>;
  categoryTree(): Promise<CategoryNode[]>;
}
