import type { CategoryNode, NewProduct, ProductChanges, ProductPage, ProductQuery, ProductView } from '../domain/product';

/** What the catalog's use cases and routes need from product storage; typeorm-product-store.ts is the adapter. */
export interface ProductStore {
  /**
   * One keyset page of products that are not archived. Throws ValidationError for a query the rules
   * reject (price range, limit) or a cursor that is malformed or made for another sort. An unknown
   * category slug gives an empty page; so do `ids` that name no product (they are simply absent).
   */
  search(query: ProductQuery): Promise<ProductPage>;
  /** Undefined for an unknown or archived id, including one that is not a UUID at all. */
  getById(id: string): Promise<ProductView | undefined>;
  categoryTree(): Promise<CategoryNode[]>;
  /**
   * Adds a product with its initial on-hand stock. Throws ConflictError `duplicate-sku` when the SKU is
   * taken (archived products keep theirs), ValidationError when the category slug names no category.
   */
  create(product: NewProduct): Promise<ProductView>;
  /** Undefined for an unknown or archived id; ValidationError for an unknown category slug. */
  update(id: string, changes: ProductChanges): Promise<ProductView | undefined>;
  /** Soft delete; false when there was no such product, or it was already archived. */
  archive(id: string): Promise<boolean>;
}
