import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One runner for the whole repo. SWC compiles TypeScript with legacy decorators and
// decorator metadata, which NestJS dependency injection needs (esbuild does not emit it).
const libs = readdirSync(new URL('./libs', import.meta.url));
const alias = Object.fromEntries(
  libs.map((name) => [
    `@maas/${name}`,
    fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url)),
  ]),
);

// The decorator options must be given here: unplugin-swc's own `jsc.parser` replaces the one
// in .swcrc, so without them SWC rejects `@Decorator()` syntax.
const plugins = [
  swc.vite({
    tsconfigFile: false,
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  }),
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'services/*/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['libs/*/test/**/*.int-spec.ts', 'services/*/test/**/*.int-spec.ts'],
          environment: 'node',
          // Integration tests share one real stack; run files one at a time, bounded.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['libs/testing/src/global-setup.ts'],
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          // The tenant's journey against the five services as separate processes (e2e/).
          name: 'e2e',
          include: ['e2e/**/*.e2e-spec.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          globalSetup: ['libs/testing/src/global-setup.ts'],
        },
      },
    ],
  },
});
