import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] } },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // A strategy is judged from evidence it must not reach: it may import the strategy kit
    // (strategies/strategy.ts, strategies/support/, other strategy modules), node built-ins,
    // packages, and only these harness modules: the workload's operation and store, the run's
    // configuration, the executor and owner thread that stamp bodies, the engines' state layout and the brokers' names,
    // and a sleep. Never the event log, the history, the verdict or the run loop.
    files: ['strategies/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+bench/(?!(coordination/sleep|engines/(broker-names|postgres-errors|postgres-state|redis-state|services|stored-state)|runners/(executor|owner-thread|run-config|run-owners)|workloads/(operation|registry|sqlite-store|store))\\.ts$)',
              message:
                "a strategy may import only its kit (strategies/strategy.ts, strategies/support/) and the harness modules listed in eslint.config.js: never the evidence, the history or the verdict. Move what it needs into strategies/support/.",
            },
          ],
        },
      ],
    },
  },
  { files: ['eslint.config.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
