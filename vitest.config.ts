import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The UI's component tests are TSX with React's automatic runtime, as Vite builds them.
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at a time on CI's two cores: most suites wait on PostgreSQL, a child process or
    // Chromium as much as they compute, and one at a time took CI past its 20 minutes.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
