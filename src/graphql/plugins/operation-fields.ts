import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A root field as the operation writes it; its arguments are read with each request's variables. */
export interface RootField {
  name: string;
  node: FieldNode;
}

const walked = new WeakMap<OperationDefinitionNode, readonly RootField[]>();

/**
 * The operation's root fields, through inline fragments and fragment spreads,
 * walked once per parsed document: Apollo Server keeps parsed documents per
 * query string, so the operation node is a stable key, and every plugin that
 * reads root fields (cache policy, fan-out limits, partner binding) shares
 * the one walk.
 */
export function rootFieldsOf(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): readonly RootField[] {
  let fields = walked.get(operation);
  if (fields === undefined) {
    fields = [...walk(operation.selectionSet, document)].map((node) => ({
      name: node.name.value,
      node,
    }));
    walked.set(operation, fields);
  }
  return fields;
}

/** An argument's value as sent: variables substituted, not yet coerced; undefined when absent. */
export function argumentValue(
  field: RootField,
  name: string,
  variables: Record<string, unknown>,
): unknown {
  const argument = field.node.arguments?.find((node) => node.name.value === name);
  return argument === undefined ? undefined : valueFromASTUntyped(argument.value, variables);
}

/** GraphQL coerces a single value given for a list to a list of one. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Validated documents only: fragment spreads have no cycles. */
function* walk(selectionSet: SelectionSetNode, document: DocumentNode): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      yield selection;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* walk(selection.selectionSet, document);
    } else {
      const fragment = document.definitions.find(
        (definition) =>
          definition.kind === Kind.FRAGMENT_DEFINITION &&
          definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) yield* walk(fragment.selectionSet, document);
    }
  }
}
