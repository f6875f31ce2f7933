import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * A deterministic demo catalog: the same code always yields the same rows, ids included, so seeding is
 * idempotent and tests can name products by index. No Math.random, no clock.
 */
export const SEED_PRODUCT_COUNT = 1200;

export interface SeedCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  path: string;
  depth: number;
}

export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  categoryId: string;
  stock: number;
  createdAt: string;
}

export interface SeedCatalog {
  categories: SeedCategory[];
  products: SeedProduct[];
}

/** [slug, name, product nouns ('|'-separated; none = no products of its own), min and max price in dollars]. */
type CategorySpec = [string, string, string, number, number, CategorySpec[]?];

const TREE: CategorySpec[] = [
  [
    'electronics',
    'Electronics',
    '',
    0,
    0,
    [
      [
        'audio',
        'Audio',
        'Headphone Stand|Audio Cable|Portable DAC',
        15,
        180,
        [
          ['headphones', 'Headphones', 'Wireless Headphones|Over-Ear Headphones|Noise-Cancelling Headphones|Earbuds', 29, 449],
          ['speakers', 'Speakers', 'Bluetooth Speaker|Bookshelf Speakers|Soundbar|Smart Speaker', 39, 799],
          ['microphones', 'Microphones', 'USB Microphone|Condenser Microphone|Lavalier Microphone', 25, 349],
        ],
      ],
      [
        'computers',
        'Computers',
        '',
        0,
        0,
        [
          ['laptops', 'Laptops', 'Ultrabook|Gaming Laptop|Laptop|Convertible Laptop', 499, 2999],
          ['monitors', 'Monitors', '4K Monitor|Curved Monitor|Gaming Monitor|Portable Monitor', 129, 1299],
          ['keyboards', 'Keyboards', 'Mechanical Keyboard|Wireless Keyboard|Ergonomic Keyboard', 29, 249],
        ],
      ],
      [
        'phones',
        'Phones',
        '',
        0,
        0,
        [
          ['smartphones', 'Smartphones', 'Smartphone|Rugged Smartphone|Foldable Phone', 199, 1599],
          ['phone-accessories', 'Phone Accessories', 'Phone Case|Screen Protector|Wireless Charger|Car Mount', 9, 79],
        ],
      ],
    ],
  ],
  [
    'home',
    'Home',
    '',
    0,
    0,
    [
      [
        'kitchen',
        'Kitchen',
        'Kitchen Scale|Spice Rack|Cutting Board',
        12,
        89,
        [
          ['cookware', 'Cookware', 'Frying Pan|Dutch Oven|Saucepan|Stockpot|Wok', 19, 399],
          ['knives', 'Knives', "Chef's Knife|Paring Knife|Knife Block Set|Bread Knife", 15, 299],
          ['small-appliances', 'Small Appliances', 'Blender|Coffee Maker|Toaster|Stand Mixer|Kettle', 25, 599],
        ],
      ],
      [
        'furniture',
        'Furniture',
        '',
        0,
        0,
        [
          ['chairs', 'Chairs', 'Office Chair|Dining Chair|Lounge Chair|Bar Stool', 49, 899],
          ['desks', 'Desks', 'Standing Desk|Writing Desk|Corner Desk', 99, 1199],
          ['shelving', 'Shelving', 'Bookcase|Wall Shelf|Storage Cube', 29, 499],
        ],
      ],
      [
        'bedding',
        'Bedding',
        '',
        0,
        0,
        [
          ['pillows', 'Pillows', 'Memory Foam Pillow|Down Pillow|Body Pillow', 19, 149],
          ['sheets', 'Sheets', 'Cotton Sheet Set|Linen Sheet Set|Fitted Sheet', 29, 249],
        ],
      ],
    ],
  ],
  [
    'sports',
    'Sports',
    '',
    0,
    0,
    [
      [
        'running',
        'Running',
        'Running Belt|Reflective Vest',
        12,
        59,
        [
          ['running-shoes', 'Running Shoes', 'Road Running Shoes|Trail Running Shoes|Racing Flats', 69, 249],
          ['running-apparel', 'Running Apparel', 'Running Shorts|Running Jacket|Compression Tights', 19, 149],
        ],
      ],
      [
        'cycling',
        'Cycling',
        '',
        0,
        0,
        [
          ['bikes', 'Bikes', 'Road Bike|Mountain Bike|Gravel Bike|Commuter Bike', 399, 3999],
          ['helmets', 'Helmets', 'Road Helmet|MTB Helmet|Commuter Helmet', 39, 299],
        ],
      ],
      [
        'fitness',
        'Fitness',
        '',
        0,
        0,
        [
          ['yoga', 'Yoga', 'Yoga Mat|Yoga Block|Yoga Strap', 9, 129],
          ['weights', 'Weights', 'Adjustable Dumbbells|Kettlebell|Weight Plate Set', 29, 599],
        ],
      ],
      [
        'camping',
        'Camping',
        '',
        0,
        0,
        [
          ['tents', 'Tents', 'Backpacking Tent|Family Tent|Ultralight Tent', 89, 899],
          ['sleeping-bags', 'Sleeping Bags', 'Down Sleeping Bag|Synthetic Sleeping Bag|Sleeping Pad', 39, 499],
        ],
      ],
    ],
  ],
  [
    'books',
    'Books',
    '',
    0,
    0,
    [
      [
        'fiction',
        'Fiction',
        '',
        0,
        0,
        [
          ['mystery', 'Mystery', 'Mystery Novel|Detective Story|Crime Thriller', 9, 29],
          ['science-fiction', 'Science Fiction', 'Science Fiction Novel|Space Opera|Cyberpunk Novel', 9, 29],
          ['fantasy', 'Fantasy', 'Fantasy Novel|Epic Fantasy|Fairy Tale Retelling', 9, 32],
        ],
      ],
      [
        'non-fiction',
        'Non-Fiction',
        '',
        0,
        0,
        [
          ['history', 'History', 'History Book|Biography|Historical Atlas', 12, 45],
          ['cookbooks', 'Cookbooks', 'Cookbook|Baking Book|Vegetarian Cookbook', 15, 49],
        ],
      ],
    ],
  ],
  [
    'fashion',
    'Fashion',
    '',
    0,
    0,
    [
      [
        'mens',
        "Men's",
        '',
        0,
        0,
        [
          ['mens-jackets', "Men's Jackets", 'Rain Jacket|Down Jacket|Denim Jacket|Softshell Jacket', 49, 399],
          ['mens-shirts', "Men's Shirts", 'Oxford Shirt|Flannel Shirt|Linen Shirt|Polo Shirt', 19, 119],
        ],
      ],
      [
        'womens',
        "Women's",
        '',
        0,
        0,
        [
          ['dresses', 'Dresses', 'Wrap Dress|Maxi Dress|Shirt Dress|Knit Dress', 29, 249],
          ['womens-shoes', "Women's Shoes", 'Ankle Boots|Loafers|Sneakers|Sandals', 39, 299],
        ],
      ],
      [
        'accessories',
        'Accessories',
        'Gift Card Holder|Umbrella',
        9,
        49,
        [
          ['watches', 'Watches', 'Chronograph Watch|Dive Watch|Smartwatch|Field Watch', 59, 999],
          ['bags', 'Bags', 'Backpack|Messenger Bag|Tote Bag|Duffel Bag', 29, 349],
          ['sunglasses', 'Sunglasses', 'Aviator Sunglasses|Polarized Sunglasses|Sport Sunglasses', 19, 259],
        ],
      ],
    ],
  ],
];

const BRANDS: Record<string, string[]> = {
  electronics: ['Auralis', 'Voltrix', 'Nimbus', 'Korvex', 'Lumina', 'Sonique', 'Pixelon', 'Arcwave'],
  home: ['Hearthwood', 'Copperline', 'Nordhaven', 'Maison Verre', 'Oakridge', 'Kitchara'],
  sports: ['Trailhawk', 'Velocita', 'Summit & Co', 'Pacefront', 'Ironpeak', 'Northbound'],
  books: ['Harbor House', 'Lanternfield Press', 'Quillmark', 'Bramble Books'],
  fashion: ['Atelier Nord', 'Fieldstone', 'Marlowe', 'Indigo Lane', 'Coastline', 'Ravel'],
};
const MODELS = ['Pro', 'Lite', 'Max', 'Air', 'Plus', 'Mini', 'Studio', 'Sport', 'Classic', 'Edge', 'One', 'Go'];
const TITLE_ADJECTIVES = ['Silent', 'Crimson', 'Last', 'Hidden', 'Distant', 'Golden', 'Broken', 'Midnight', 'Forgotten', 'Iron'];
const TITLE_NOUNS = ['Harbor', 'Orchard', 'Lantern', 'Kingdom', 'Signal', 'River', 'Garden', 'Archive', 'Compass', 'Tide'];
const FORMATS = ['Hardcover', 'Paperback', 'Special Edition'];
const QUALITIES = ['Built to last', 'Thoughtfully designed', 'Tested by our team', 'A customer favourite', 'Made with care'];
const DETAILS: Record<string, string[]> = {
  electronics: ['long battery life', 'USB-C charging', 'a two-year warranty', 'low-latency Bluetooth 5.3', 'an aluminium body'],
  home: ['dishwasher-safe parts', 'sustainably sourced materials', 'a lifetime guarantee', 'easy assembly', 'a timeless finish'],
  sports: ['breathable fabric', 'a lightweight frame', 'all-weather grip', 'reflective details', 'a packable design'],
  books: ['a gripping plot', 'vivid characters', 'an introduction by the author', 'illustrated endpapers', 'a reading guide'],
  fashion: ['organic cotton', 'recycled materials', 'a relaxed fit', 'reinforced seams', 'a water-repellent finish'],
};
// A fixed namespace so ids depend on nothing but the sku or slug (RFC 9562 name-based, SHA-1: "v5").
const ID_NAMESPACE = Buffer.from('6f1d2c3a8b7e4f5d9c0a1b2c3d4e5f60', 'hex');
const FIRST_CREATED_AT = Date.UTC(2024, 0, 1);
const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/** A UUID v5-style id from a name: the same name always gives the same id. */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(ID_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** mulberry32: tiny, fast and good enough to vary demo data reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shelf {
  category: SeedCategory;
  root: string;
  nouns: string[];
  minPrice: number;
  maxPrice: number;
}

/** The whole catalog, computed without touching a database. */
export function buildSeedCatalog(productCount = SEED_PRODUCT_COUNT): SeedCatalog {
  const categories: SeedCategory[] = [];
  const shelves: Shelf[] = [];
  const walk = (specs: CategorySpec[], parent: SeedCategory | null, root: string | null): void => {
    for (const [slug, name, nouns, minPrice, maxPrice, children] of specs) {
      const path = parent ? `${parent.path}/${slug}` : slug;
      const category = {
        id: stableUuid(`category:${slug}`),
        slug,
        name,
        parentId: parent?.id ?? null,
        path,
        depth: path.split('/').length,
      };
      categories.push(category);
      // Leaves hold most products; a middle category with nouns of its own holds a few directly.
      if (nouns) shelves.push({ category, root: root ?? slug, nouns: nouns.split('|'), minPrice, maxPrice });
      walk(children ?? [], category, root ?? slug);
    }
  };
  walk(TREE, null, null);

  const weights = shelves.map((s) => (categories.some((c) => c.parentId === s.category.id) ? 1 : 4));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const random = prng(20240101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pickShelf = (): Shelf => {
    let r = random() * totalWeight;
    for (let i = 0; i < shelves.length; i++) if ((r -= weights[i]!) < 0) return shelves[i]!;
    return shelves[shelves.length - 1]!;
  };

  const products: SeedProduct[] = [];
  for (let i = 0; i < productCount; i++) {
    // The first pass puts one product on every shelf, so no seeded category is empty.
    const shelf = i < shelves.length ? shelves[i]! : pickShelf();
    const noun = pick(shelf.nouns);
    const brand = pick(BRANDS[shelf.root]!);
    const name =
      shelf.root === 'books'
        ? `The ${pick(TITLE_ADJECTIVES)} ${pick(TITLE_NOUNS)} (${pick(FORMATS)})`
        : `${brand} ${noun} ${pick(MODELS)} ${between(1, 9)}${between(0, 9)}0`;
    const [first, second] = twoDistinct(DETAILS[shelf.root]!, random);
    const description =
      shelf.root === 'books'
        ? `A ${noun.toLowerCase()} from ${brand}, with ${first} and ${second}. ${pick(QUALITIES)}.`
        : `${noun} by ${brand} with ${first} and ${second}. ${pick(QUALITIES)}.`;
    const sku = `${shelf.root.slice(0, 3).toUpperCase()}-${shelf.category.slug.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(5, '0')}`;
    products.push({
      id: stableUuid(`product:${sku}`),
      sku,
      name,
      description,
      priceCents: between(shelf.minPrice, shelf.maxPrice) * 100 - 1,
      currency: 'USD',
      categoryId: shelf.category.id,
      stock: random() < 0.04 ? 0 : between(1, 250),
      createdAt: new Date(FIRST_CREATED_AT + i * SIX_HOURS_MS + Math.floor(random() * SIX_HOURS_MS)).toISOString(),
    });
  }
  return { categories, products };
}

function twoDistinct(list: readonly string[], random: () => number): [string, string] {
  const a = Math.floor(random() * list.length);
  const b = (a + 1 + Math.floor(random() * (list.length - 1))) % list.length;
  return [list[a]!, list[b]!];
}

let cached: SeedCatalog | undefined;
function defaultCatalog(): SeedCatalog {
  cached ??= buildSeedCatalog();
  return cached;
}

/** The id of the i-th seeded product (0-based), for tests and demos. */
export function seedProductId(index: number): string {
  const product = defaultCatalog().products[index];
  if (!product) throw new RangeError(`seed product index ${index} is outside 0..${SEED_PRODUCT_COUNT - 1}`);
  return product.id;
}

const BATCH_SIZE = 250;

/**
 * Writes the catalog in one transaction. Existing rows are left alone (ON CONFLICT DO NOTHING), so a
 * re-run, or a replica seeding at the same moment, changes nothing, and live stock is never reset.
 */
export async function seedCatalog(ds: DataSource): Promise<{ categories: number; products: number }> {
  const { categories, products } = defaultCatalog();
  await ds.transaction(async (manager) => {
    // Parents come before children in `categories`, so every foreign key already exists when inserted.
    for (const batch of chunks(categories, BATCH_SIZE)) {
      const rows = batch.map((c) => [c.id, c.slug, c.name, c.parentId, c.path]);
      await manager.query(insertSql('category', ['id', 'slug', 'name', 'parent_id', 'path'], rows.length), rows.flat());
    }
    // The seed's stock is the initial on-hand quantity; nothing is reserved yet.
    const columns = ['id', 'sku', 'name', 'description', 'price_cents', 'currency', 'category_id', 'on_hand', 'created_at'];
    for (const batch of chunks(products, BATCH_SIZE)) {
      const rows = batch.map((p) => [p.id, p.sku, p.name, p.description, p.priceCents, p.currency, p.categoryId, p.stock, p.createdAt]);
      await manager.query(insertSql('product', columns, rows.length), rows.flat());
    }
  });
  return { categories: categories.length, products: products.length };
}

function insertSql(table: string, columns: string[], rowCount: number): string {
  const tuples = Array.from({ length: rowCount }, (_, r) => `(${columns.map((_c, k) => `$${r * columns.length + k + 1}`).join(', ')})`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
