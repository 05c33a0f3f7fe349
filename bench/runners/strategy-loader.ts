/**
 * Finds the strategy a run names: a registered one (`strategies/registry.ts`), or the default
 * export of a module given by file URL. Modules are how the tests run deliberately broken
 * strategies without registering them where users would see them.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { strategies } from '../../strategies/registry.ts';
import type { Strategy } from '../../strategies/strategy.ts';

const loaded = new Map<string, Strategy>();

/**
 * The strategy called `name`: from `module` (a `file://` URL whose default export is a
 * {@link Strategy} named `name`) when given, else from the registry. Throws if neither has it.
 */
export async function loadStrategy(name: string, module: string | null | undefined): Promise<Strategy> {
  if (module === null || module === undefined) return strategyFor(name);
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const strategy = (await importModule(module)).default;
  if (strategy?.name !== name) throw new Error(`${module} does not export a strategy named ${name} as its default export`);
  loaded.set(name, strategy);
  return strategy;
}

/** A registered strategy, or one this thread loaded with {@link loadStrategy}. Throws if unknown. */
export function strategyFor(name: string): Strategy {
  const strategy = (strategies as Record<string, Strategy>)[name] ?? loaded.get(name);
  if (strategy === undefined) throw new Error(`no strategy named ${name}`);
  return strategy;
}

/**
 * Imports a module by file URL. A TypeScript module imports where the TypeScript loader serves
 * `import()`; in piscina's worker threads it serves only `require` (piscina loads its task file
 * with `require`, so the loader's ESM hooks are not in effect there), so that is the fallback.
 */
async function importModule(url: string): Promise<{ default?: Strategy }> {
  try {
    return (await import(url)) as { default?: Strategy };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    return createRequire(import.meta.url)(fileURLToPath(url)) as { default?: Strategy };
  }
}
