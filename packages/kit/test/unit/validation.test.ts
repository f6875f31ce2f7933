import { ValidationError, validate } from '../../src';

const query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    minPrice: { type: 'integer', minimum: 0 },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['price_asc', 'name_asc'] },
  },
  required: ['limit'],
} as const;

const body = {
  type: 'object',
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email' },
    items: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer', minimum: 1 } } } },
  },
  required: ['email'],
} as const;

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a ValidationError');
}

describe('validate', () => {
  it('when query values are strings, then they are coerced to the schema types and defaults applied', () => {
    const out = validate(query, { minPrice: '150', inStock: 'true' }, 'query');
    expect(out).toEqual({ minPrice: 150, inStock: true, limit: 20 });
  });

  it('when a number field holds letters, then the problem names query.<field>', () => {
    const err = problemsOf(() => validate(query, { minPrice: 'abc' }, 'query'));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual([{ field: 'query.minPrice', message: 'must be integer' }]);
    expect((err as ValidationError).status).toBe(400);
  });

  it('when several fields fail, then every one is listed', () => {
    const err = problemsOf(() => validate(query, { limit: '-1', sort: 'cheapest', extra: '1' }, 'query')) as ValidationError;
    expect(err.errors?.map((e) => e.field).sort()).toEqual(['query.extra', 'query.limit', 'query.sort']);
    expect(err.errors?.find((e) => e.field === 'query.sort')?.message).toBe('must be one of price_asc, name_asc');
    expect(err.errors?.find((e) => e.field === 'query.extra')?.message).toBe('is not allowed');
  });

  it('when a body field is missing or nested wrong, then the path names it', () => {
    const err = problemsOf(() => validate(body, { items: [{ qty: 0 }] }, 'body')) as ValidationError;
    expect(err.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.email', message: 'is required' },
        { field: 'body.items[0].qty', message: 'must be >= 1' },
      ]),
    );
  });

  it('when a body carries a number as a string, then it is not coerced', () => {
    expect(() => validate(body, { email: 'a@b.co', items: [{ qty: '2' }] }, 'body')).toThrow(ValidationError);
  });
});
