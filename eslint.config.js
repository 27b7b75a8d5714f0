// ESLint 9 flat config: the recommended JavaScript and typescript-eslint rules (syntax only, no type
// information, so `npm run lint` stays fast), with formatting left to Prettier (eslint-config-prettier).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'src/generated/',
      'data/',
      'tmp/',
      'coverage/',
      'prisma/migrations/',
      // planted violations for the architecture test: never run, deliberately wrong
      'tests/architecture/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding that is there for its position, not its value.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Type-only imports are how this codebase keeps runtime imports honest (verbatimModuleSyntax).
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Input sanitising (iCalendar text, redirects, file names) matches control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // The one script the pages load (progressive enhancement), run by the browser.
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    // Browser tests hand functions to page.evaluate(), which run in the page.
    files: ['tests/e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  prettier,
);
