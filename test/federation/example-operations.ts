import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/graphql/project-root.js';

const FOLDER = join(projectRoot(), 'schema', 'operations');

export interface ExampleOperation {
  /** The file's name without .graphql, e.g. rcc-disclosure. */
  name: string;
  document: string;
  /** The variables its `# variables: {...}` line gives, for an operation that takes any. */
  variables: Record<string, unknown> | null;
}

/** The example operations under schema/operations, one per file. */
export function exampleOperationNames(): string[] {
  return readdirSync(FOLDER)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.slice(0, -'.graphql'.length))
    .sort();
}

export function readExampleOperation(name: string): ExampleOperation {
  const document = readFileSync(join(FOLDER, `${name}.graphql`), 'utf8');
  const variablesLine = /^# variables: (.*)$/m.exec(document)?.[1];
  return {
    name,
    document,
    variables: variablesLine ? (JSON.parse(variablesLine) as Record<string, unknown>) : null,
  };
}
