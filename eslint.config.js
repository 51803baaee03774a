// Lint rules for the whole repository; functions/core must stay free of SDK and I/O imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', '.venv/**', '.venv-localstack/**', 'coverage/**', 'out/**', 'bench/*.compiled.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      // The named export pulls zod's every locale into the Lambda bundle (about 350 KB); the namespace import does not.
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "import * as z from 'zod' keeps zod's locales out of the Lambda bundle." }],
    },
  },
  {
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@middy/*', '@aws-lambda-powertools/*'], message: 'functions/core is pure: no AWS SDK, CDK or Lambda runtime imports.' },
            { group: ['node:*', 'fs', 'fs/*', 'child_process', 'http', 'https', 'net', 'os', 'path', 'process'], message: 'functions/core is pure: no Node I/O modules.' },
            { group: ['../aws/*', '../handlers/*', '../ports/*'], message: 'functions/core must not depend on the shell.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'functions/core has no clock: take the time as input.' }, { name: 'fetch', message: 'functions/core does no I/O.' }, { name: 'process', message: 'functions/core reads no environment.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'functions/core is deterministic.' }],
    },
  },
);
