// The house rule (STYLE.md habit 1): only src/cli/ prints, reads argv, stdin or the environment, or exits.
// (The TTY is reached through process.stdout/stderr, which are restricted already.)
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': ['error',
        { object: 'process', property: 'exit', message: 'Only src/cli/ may exit: throw LlmbatchError instead.' },
        { object: 'process', property: 'exitCode', message: 'Only src/cli/ sets the exit code.' },
        { object: 'process', property: 'stdout', message: 'Only src/cli/ writes to stdout: return data.' },
        { object: 'process', property: 'stderr', message: 'Only src/cli/ writes to stderr: emit events.' },
        { object: 'process', property: 'stdin', message: 'Only src/cli/ reads stdin: take an AsyncIterable.' },
        { object: 'process', property: 'argv', message: 'Only src/cli/ reads the command line: take the parsed settings.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/config/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'process', property: 'env', message: 'Only the config resolver reads the environment.' },
        { object: 'process', property: 'exit', message: 'Only src/cli/ may exit.' },
        { object: 'process', property: 'exitCode', message: 'Only src/cli/ sets the exit code.' },
        { object: 'process', property: 'stdout', message: 'Only src/cli/ writes to stdout.' },
        { object: 'process', property: 'stderr', message: 'Only src/cli/ writes to stderr.' },
        { object: 'process', property: 'stdin', message: 'Only src/cli/ reads stdin.' },
        { object: 'process', property: 'argv', message: 'Only src/cli/ reads the command line.' },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
