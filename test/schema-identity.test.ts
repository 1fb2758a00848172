import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../src/graphql/schema.js';

/**
 * Apollo Client's InMemoryCache normalizes every object with an `id` under it:
 * an `id` on a type whose values are not one thing everywhere (an add-on's
 * prices belong to its line) merges distinct values into one cached object.
 */
describe('identity in the schema (revision 2)', () => {
  it('exposes `id` only on types keyed for federation', () => {
    const unkeyedWithId = loadTypeDefs().definitions.flatMap((definition) =>
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      definition.fields?.some((field) => field.name.value === 'id') &&
      !definition.directives?.some((directive) => directive.name.value === 'key')
        ? [definition.name.value]
        : [],
    );
    expect(unkeyedWithId).toEqual([]);
  });

  it('keeps Addon a value inside its line: no key and no id, its product the keyed Product', () => {
    const objectTypes = loadTypeDefs().definitions.filter(
      (definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION,
    );
    const addon = objectTypes.find((definition) => definition.name.value === 'Addon');
    expect(addon?.directives?.map((directive) => directive.name.value)).toEqual([]);
    expect(addon?.fields?.map((field) => field.name.value)).toEqual(['product', 'prices']);
    const product = objectTypes.find((definition) => definition.name.value === 'Product');
    expect(product?.directives?.map((directive) => directive.name.value)).toContain('key');
  });
});
