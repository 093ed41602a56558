// `node --import ./e2e/register.js e2e/demo.ts`: Node 24 runs TypeScript by stripping types,
// but the house style writes relative imports with `.js` (what the compiled code imports).
// This hook resolves `./x.js` from a .ts file to `./x.ts` when that is the file that exists.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL ?? '';
    if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && parent.endsWith('.ts')) {
      const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
      if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
    }
    return nextResolve(specifier, context);
  },
});
