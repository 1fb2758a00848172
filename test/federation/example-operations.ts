import { exampleOperationDocument } from '../../src/graphql/example-operations.js';

export { exampleOperationNames } from '../../src/graphql/example-operations.js';

export interface ExampleOperation {
  /** The file's name without .graphql, e.g. rcc-disclosure. */
  name: string;
  /** The operation with the shared fragments it spreads: a whole document, ready to send. */
  document: string;
  /** The variables its `# variables: {...}` line gives, for an operation that takes any. */
  variables: Record<string, unknown> | null;
}

export function readExampleOperation(name: string): ExampleOperation {
  const document = exampleOperationDocument(name);
  const variablesLine = /^# variables: (.*)$/m.exec(document)?.[1];
  return {
    name,
    document,
    variables: variablesLine ? (JSON.parse(variablesLine) as Record<string, unknown>) : null,
  };
}
