import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The UI's component tests are TSX with React's automatic runtime, as Vite builds them.
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
