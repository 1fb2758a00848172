import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
} from 'graphql';
import { projectRoot } from './project-root.js';

const FOLDER = join(projectRoot(), 'schema', 'operations');

/** The fragments the example operations share: the one file in the folder that is no operation. */
const FRAGMENTS_FILE = 'fragments.graphql';

/** The example operations under schema/operations, one per file, by file name without .graphql. */
export function exampleOperationNames(): string[] {
  return readdirSync(FOLDER)
    .filter((file) => file.endsWith('.graphql') && file !== FRAGMENTS_FILE)
    .map((file) => file.slice(0, -'.graphql'.length))
    .sort();
}

/** schema/operations/<name>.graphql as written, followed by the shared fragments it spreads. */
export function exampleOperationDocument(name: string): string {
  return withSharedFragments(readFileSync(join(FOLDER, `${name}.graphql`), 'utf8'));
}

/**
 * `document` followed by exactly the shared fragments it spreads, directly or
 * through one another (a fragment nobody spreads would make it invalid), in
 * the order the fragments file defines them.
 */
export function withSharedFragments(document: string): string {
  const shared = sharedFragments();
  const spread = new Set<string>();
  const collect = (node: ASTNode) => {
    visit(node, {
      FragmentSpread({ name: { value: name } }) {
        const fragment = shared.get(name);
        if (!fragment)
          throw new Error(`...${name} is spread, but ${FRAGMENTS_FILE} has no such fragment`);
        if (spread.has(name)) return;
        spread.add(name);
        collect(fragment);
      },
    });
  };
  collect(parse(document));
  const fragments = [...shared.values()].filter((fragment) => spread.has(fragment.name.value));
  return [document.trimEnd(), ...fragments.map((fragment) => print(fragment))].join('\n\n') + '\n';
}

function sharedFragments(): Map<string, FragmentDefinitionNode> {
  return fragmentsByName(parse(readFileSync(join(FOLDER, FRAGMENTS_FILE), 'utf8')));
}

/** The fragments `document` defines, by name. */
export function fragmentsByName(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
    ),
  );
}
