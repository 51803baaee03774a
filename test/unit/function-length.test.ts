// Checks that no function in functions/ is longer than 80 lines, so that each stays readable as one idea.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every function (declared, arrow, method, constructor, accessor) longer than MAX_LINES, as `file:line name (n lines)`. */
function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      const name = node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      if (lines > MAX_LINES) found.push(`${relative(FUNCTIONS, file)}:${start + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length', () => {
  it(`keeps every function in functions/ within ${MAX_LINES} lines`, () => {
    expect(sourceFiles(FUNCTIONS).flatMap(longFunctions)).toEqual([]);
  });
});
