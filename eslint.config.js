// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TIME_RULES = {
  'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Read time from the injected Clock (src/core/clock.ts).' }],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use Clock.sleep (src/core/clock.ts).' },
    { name: 'setInterval', message: 'Drive loops from the Clock (src/core/clock.ts).' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'cache/**', 'logs/**', 'research/**', 'test/artifacts/**'] },
  { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ['src/core/clock.ts'],
    rules: {
      ...TIME_RULES,
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read time from the injected Clock (src/core/clock.ts).' },
        { selector: "ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]", message: 'Throw a typed HedgeError (src/core/errors.ts).' },
        { selector: 'ThrowStatement > Literal', message: 'Throw a typed HedgeError, never a string.' },
        { selector: 'ThrowStatement > TemplateLiteral', message: 'Throw a typed HedgeError, never a string.' },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js', 'ecosystem.config.js', '.dependency-cruiser.cjs', 'test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly', Buffer: 'readonly', console: 'readonly' } },
  },
);
