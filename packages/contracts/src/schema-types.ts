// The static type of a value that passed a JSON Schema, for the subset of JSON Schema this project
// writes (declared `as const`). A few lines of our own instead of a general schema-to-type library,
// whose deep instantiations slowed the type-checker and hit its depth limit on ordinary schemas.

/** A JSON Schema object, as ajv takes it. */
export type JSONSchema = { readonly [keyword: string]: unknown };

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type Primitive<T> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? unknown[]
          : T extends 'object'
            ? Record<string, unknown>
            : unknown;

// A property is present after validation when it is required or has a default (ajv fills defaults).
type Present<P, R> = { [K in keyof P]: K extends R ? K : P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type ObjectOf<P, R> = Flatten<
  { -readonly [K in Present<P, R>]: FromSchema<P[K]> } & { -readonly [K in Exclude<keyof P, Present<P, R>>]?: FromSchema<P[K]> }
>;

export type FromSchema<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly type: 'array'; readonly items: infer I }
      ? FromSchema<I>[]
      : S extends { readonly type: 'object'; readonly properties: infer P }
        ? ObjectOf<P, S extends { readonly required: readonly (infer R)[] } ? R : never>
        : S extends { readonly type: readonly (infer T)[] }
          ? Primitive<T>
          : S extends { readonly type: infer T }
            ? Primitive<T>
            : unknown;
