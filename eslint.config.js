// ESLint flat config. Besides style, it enforces the layer rules of docs/architecture.md:
// which folder may import what (the folder decides the process).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'url']
const pattern = (group, message) => ({ group, message })

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.test-output/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['scripts/**/*.mjs', '.ci/**/*.mjs', 'examples/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['main/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  // Layer rules.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['electron', 'electron/*'], 'shared/ is pure: no Electron.'),
            pattern(nodeBuiltins, 'shared/ is pure: no Node built-ins.'),
            pattern(['vue', 'pinia', 'vue-i18n', '@xterm/*'], 'shared/ is pure: no UI libraries.'),
            pattern(
              ['**/main/**', '../main/*', '**/renderer/**', '../renderer/*'],
              'shared/ may not import main/ or renderer/.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['electron', 'electron/*'],
              'renderer/ is DOM only: reach main through window.lab.',
            ),
            pattern(nodeBuiltins, 'renderer/ is DOM only: no Node built-ins.'),
            pattern(
              ['**/main/**', '../main/*', '../../main/*'],
              'renderer/ may not import main/: use the contract.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['main/preload/**/*.ts'],
    ignores: ['main/preload/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./\\.\\./shared/|\\./).*',
              message: 'preload may import only electron and shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/app/**', 'main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['electron', 'electron/*'],
              'Only main/app and main/preload may import electron: the rest runs in plain Node.',
            ),
            pattern(
              ['**/renderer/**', '../renderer/*', '../../renderer/*'],
              'main/ may not import renderer/.',
            ),
          ],
        },
      ],
    },
  },
  // The backends are peers (docs/architecture.md): each imports only shared/ and the backend
  // seam (main/backend/backend.ts, result.ts), never the other backend and never the code
  // that uses backends. Tests that compare the two live in main/lab/.
  ...['sim', 'kernel'].map((name) => ({
    files: [`main/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['electron', 'electron/*'],
              'Only main/app and main/preload may import electron: the rest runs in plain Node.',
            ),
            pattern(['**/renderer/**', '../renderer/*'], 'main/ may not import renderer/.'),
            {
              // Any depth: main/sim/tcp/x.ts reaches main/lab as '../../lab/...'.
              regex: '^(\\.\\./)+(lab|store|web|cli|app|preload|fuzz|static-files)(/|$)',
              message: `main/${name} is a backend: it imports only shared/ and main/backend/, never the code that uses backends.`,
            },
            {
              regex: `^(\\.\\./)+${name === 'sim' ? 'kernel' : 'sim'}(/|$)`,
              message:
                'The two backends are peers: neither imports the other (compare them in main/lab/).',
            },
            {
              regex: '^(\\.\\./)+backend/registry$',
              message: 'A backend may not import the backend map (it imports the backends).',
            },
          ],
        },
      ],
    },
  })),
  // Components and views reach the contract only through the stores (renderer/stores/): no
  // file there imports renderer/api (the LAB_API key, the WebSocket client). A rule of its own
  // (not no-restricted-imports) so the renderer's layer patterns above still apply here.
  {
    files: ['renderer/components/**/*.{ts,vue}', 'renderer/views/**/*.{ts,vue}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'ImportDeclaration',
          'ImportExpression',
          'ExportNamedDeclaration',
          'ExportAllDeclaration',
        ].map((node) => ({
          selector: `${node}[source.value=/(^|[/])api([/]|$)/]`,
          message:
            'Components and views reach the contract only through the stores (renderer/stores/).',
        })),
      ],
    },
  },
  prettier,
)
