// ESLint: type-aware typescript-eslint everywhere; the engine may not touch the DOM or lit.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.dist-build-*/',
      '.dist-old-*/',
      'node_modules/',
      'custom-elements.json',
      '.tmp/',
      'test/types/',
      'examples/',
      'packages/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'document', message: 'The engine is DOM-free: elements own the DOM.' },
        { name: 'window', message: 'The engine is DOM-free: elements own the DOM.' },
        { name: 'customElements', message: 'The engine is DOM-free: elements own the DOM.' },
        { name: 'HTMLElement', message: 'The engine is DOM-free: elements own the DOM.' },
        { name: 'localStorage', message: 'The engine is DOM-free.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['lit', 'lit/*', '@lit/*', 'lit-*', '**/elements/**'],
              message: 'The engine may not import lit or elements.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
);
