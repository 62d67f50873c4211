/** Unit specs live beside the code; e2e specs in test/ boot the real AppModule on a real PostgreSQL. */
// The Swagger CLI plugin runs in tests too, so the OpenAPI document they check is the one users get.
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      astTransformers: {
        before: ['<rootDir>/test/setup/swagger-plugin-transformer.js'],
      },
    },
  ],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testRegex: '.*\\.spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      setupFiles: ['<rootDir>/test/setup/test-env.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      // The web console in a real browser (Debian's chromium through playwright-core) against the
      // real app in a child process: docs/console-tests.md.
      displayName: 'browser',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test/browser'],
      testRegex: '\\.browser-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      setupFiles: ['<rootDir>/test/setup/test-env.ts'],
      globalSetup: '<rootDir>/test/browser/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/browser/setup/global-teardown.ts',
    },
  ],
};
