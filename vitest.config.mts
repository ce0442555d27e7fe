import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Python sources imported by services (the model worker) arrive as their text, as esbuild's text loader gives them.
  plugins: [
    {
      name: 'python-source-as-text',
      transform(code: string, id: string) {
        return id.endsWith('.py') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
      },
    },
  ],
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test-support/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
    // GitHub's workflow parser imports its schema as JSON without an import attribute, which Node
    // refuses; run it through Vite, which loads JSON, as its own bundler would.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
