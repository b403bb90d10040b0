/**
 * The package's public API is what docs/api.md lists, entry by entry: an export added or removed
 * by accident fails here. Exports are read with the TypeScript compiler, types included.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { types?: string } | string>;
};

/** The package's entries and their source files, from package.json's exports map. */
const entries = Object.entries(packageJson.exports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => {
    const types = (target as { types: string }).types;
    const source = types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts');
    return { name: `temporal-sync-state${subpath.slice(1)}`, source };
  });

/** The names each entry exports, values and types, as the compiler sees them. */
function exportsOf(sources: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram(
    sources.map((source) => path.join(root, source)),
    {
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  return new Map(
    sources.map((source) => {
      const file = program.getSourceFile(path.join(root, source));
      assert.ok(file, `${source} is in the program`);
      const symbol = checker.getSymbolAtLocation(file);
      assert.ok(symbol, `${source} is a module`);
      return [
        source,
        checker
          .getExportsOfModule(symbol)
          .map((e) => e.name)
          .sort(),
      ];
    }),
  );
}

/** The names docs/api.md lists under each entry's heading. */
function documented(): Map<string, string[]> {
  const text = readFileSync(path.join(root, 'docs/api.md'), 'utf8');
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## `([^`]+)`/.exec(line);
    if (heading?.[1]) sections.set(heading[1], (current = []));
    const row = /^\| `([^`]+)`\s*\|/.exec(line);
    if (row?.[1] && current) current.push(row[1]);
  }
  return new Map([...sections].map(([name, names]) => [name, names.sort()]));
}

describe('the public API', () => {
  test('every entry of package.json exports exactly the names docs/api.md lists for it', () => {
    const docs = documented();
    const actual = exportsOf(entries.map((e) => e.source));
    assert.deepEqual(
      [...docs.keys()].sort(),
      entries.map((e) => e.name).sort(),
      'docs/api.md has one section per entry',
    );
    for (const entry of entries) {
      assert.deepEqual(
        actual.get(entry.source),
        docs.get(entry.name),
        `${entry.name} (${entry.source})`,
      );
    }
  });

  test('no entry re-exports whole modules (export *): the contract is written out name by name', () => {
    for (const entry of entries) {
      const text = readFileSync(path.join(root, entry.source), 'utf8');
      assert.doesNotMatch(text, /^export (type )?\* from/m, entry.source);
    }
  });

  test('internals stay internal', () => {
    const root = exportsOf(['src/index.ts']).get('src/index.ts') ?? [];
    for (const internal of [
      'describeValue',
      'nameProblem',
      'buildConnectorCommand',
      'historyPruneInterval',
      'prepareStateMessage',
      'isPlainObject',
    ])
      assert.ok(!root.includes(internal), `${internal} is not exported`);
  });
});
