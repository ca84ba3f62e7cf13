// Three test tiers (STYLE.md): unit tests beside the code, the supergraph composed in-process,
// and real servers on port 0; and the attack suite, each attack found from outside replayed
// against real servers. `npm test` runs all; `--selectProjects <name>` runs one.
const transform = { '^.+\\.ts$': '<rootDir>/test/support/transform.js' };
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
};

module.exports = {
  // Once per run, not once per project: it builds the stores every tier starts from.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{app,server,adapters,store,domain,demo,subgraphs,gateway,agencies,web,clients}/**/*.test.ts',
      ],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'attack', testMatch: ['<rootDir>/test/attack/**/*.test.ts'] },
  ],
};
