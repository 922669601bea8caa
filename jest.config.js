/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // lib0, yjs and y-protocols ship CommonJS builds under package exports; nothing else needs transforming.
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: { '^@gongjian/shared$': '<rootDir>/shared/src/index.ts' },
  roots: ['<rootDir>/shared/src', '<rootDir>/server/src', '<rootDir>/client/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/test/{integration,fault,fuzz,attack,convergence}/**/*.test.ts'],
  testTimeout: 60000,
  // Integration suites start server processes and share two cores; run them one at a time.
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
