// Checks that functions/core stays pure: no SDK, CDK, Lambda runtime or Node I/O imports, no clock, randomness or environment.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE = fileURLToPath(new URL('../../functions/core/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(c|m)?(t|j)sx?$/.test(entry.name) ? [path] : [];
  });
}

/** The code without its comments, so that a comment may say "no Date.now" without failing. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

function importSpecifiers(code: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] ?? ''));
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0] ?? name]));
const FORBIDDEN_PACKAGES = [/^@aws-sdk\//, /^aws-cdk-lib(\/|$)/, /^aws-sdk(\/|$)/, /^@middy\//, /^@aws-lambda-powertools\//];

/** Why an import is not allowed in the core, or undefined when it is. */
function forbiddenImport(specifier: string, file: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target.startsWith(CORE) ? undefined : `reaches outside functions/core (${relative(CORE, target).split(sep).join('/')})`;
  }
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? specifier)) {
    return 'is a Node built-in module';
  }
  if (FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier))) return 'is an AWS SDK, CDK or Lambda runtime package';
  return undefined;
}

const FORBIDDEN_CODE: readonly [RegExp, string][] = [
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bnew\s+Date\b/, 'new Date'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bprocess\s*\./, 'process.'],
  [/(?<![.\w])fetch\s*\(/, 'fetch('],
];

/** Every purity violation in one file's source, as readable strings. */
function violations(source: string, file: string): string[] {
  const code = stripComments(source);
  const found: string[] = [];
  for (const specifier of importSpecifiers(code)) {
    const why = forbiddenImport(specifier, file);
    if (why !== undefined) found.push(`imports ${specifier}: ${why}`);
  }
  for (const [pattern, name] of FORBIDDEN_CODE) {
    if (pattern.test(code)) found.push(`uses ${name}`);
  }
  return found;
}

describe('functions/core purity', () => {
  const files = sourceFiles(CORE);

  it('finds the core sources', () => {
    const names = files.map((f) => relative(CORE, f));
    for (const expected of ['config.ts', 'model.ts', 'placement.ts', 'scaling.ts', 'step/index.ts']) expect(names).toContain(expected);
  });

  it.each(files.map((file) => [relative(CORE, file), file]))('%s imports no SDK or I/O module and has no clock, randomness or environment', (_name, file) => {
    expect(violations(readFileSync(file, 'utf8'), file)).toEqual([]);
  });

  it('the check itself catches every kind of violation', () => {
    const file = join(CORE, 'example.ts');
    const bad = [
      "import { EC2Client } from '@aws-sdk/client-ec2';",
      "import type { Stack } from 'aws-cdk-lib';",
      "import middy from '@middy/core';",
      "import { Logger } from '@aws-lambda-powertools/logger';",
      "import { readFileSync } from 'node:fs';",
      "import { spawn } from 'child_process';",
      "import * as http from 'http';",
      "export { connect } from 'net';",
      "import 'fs/promises';",
      "const os = await import('os');",
      "const path = require('path');",
      "import { ec2 } from '../aws/ec2-compute.ts';",
      'const now = Date.now();',
      'const then = new Date(0);',
      'const dice = Math.random();',
      'const region = process.env.AWS_REGION;',
      "const page = await fetch('https://example.com');",
    ].join('\n');
    expect(violations(bad, file).sort()).toEqual([
      'imports @aws-sdk/client-ec2: is an AWS SDK, CDK or Lambda runtime package',
      'imports aws-cdk-lib: is an AWS SDK, CDK or Lambda runtime package',
      'imports @middy/core: is an AWS SDK, CDK or Lambda runtime package',
      'imports @aws-lambda-powertools/logger: is an AWS SDK, CDK or Lambda runtime package',
      'imports node:fs: is a Node built-in module',
      'imports child_process: is a Node built-in module',
      'imports http: is a Node built-in module',
      'imports net: is a Node built-in module',
      'imports fs/promises: is a Node built-in module',
      'imports os: is a Node built-in module',
      'imports path: is a Node built-in module',
      'imports ../aws/ec2-compute.ts: reaches outside functions/core (../aws/ec2-compute.ts)',
      'uses Date.now',
      'uses new Date',
      'uses Math.random',
      'uses process.',
      'uses fetch(',
    ].sort());
  });

  it('the check itself allows pure imports and words in comments', () => {
    const file = join(CORE, 'example.ts');
    const good = [
      "import { z } from 'zod';",
      "import { parseDocument } from 'yaml';",
      "import type { Command } from './model.ts';",
      '/** Takes the time as input: no Date.now, no new Date(), no process.env. */',
      '// Math.random would break determinism.',
      'const nowMs = input.nowMs; // not Date.now()',
      'const url = "https://example.com/a";',
    ].join('\n');
    expect(violations(good, file)).toEqual([]);
  });
});
