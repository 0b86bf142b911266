import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers on port 0; two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    // Test files share each worker's module graph: every file would otherwise import the cloud and
    // the SDK clients again (most of a file's start). Tests hold no module-level state between
    // files: each starts its own cloud on port 0 with a fresh data dir.
    isolate: false,
    // The SDK warns on Node 20 that its releases from January 2027 need Node 22; the CLI and the
    // function runtimes turn that off for users, and tests that import the SDK directly do too.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
