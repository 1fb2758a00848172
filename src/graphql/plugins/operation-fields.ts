import { Kind, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';

/** The root fields of a selection set, through inline fragments and fragment spreads (validated: no cycles). */
export function* rootFields(
  selectionSet: SelectionSetNode,
  document: DocumentNode,
): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      yield selection;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* rootFields(selection.selectionSet, document);
    } else {
      const fragment = document.definitions.find(
        (definition) =>
          definition.kind === Kind.FRAGMENT_DEFINITION &&
          definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION)
        yield* rootFields(fragment.selectionSet, document);
    }
  }
}

/** GraphQL coerces a single value given for a list to a list of one. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
