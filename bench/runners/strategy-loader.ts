/**
 * Finds the strategy a run names: a registered one (`strategies/registry.ts`), or the default
 * export of a module given by file URL. Modules are how the tests run deliberately broken
 * strategies without registering them where users would see them, and how a client process
 * loads just the strategy it runs (see `process-bundle.ts`). The registry itself is imported only
 * when a registered strategy is asked for, so a client process given a module never loads the
 * others (nor their native addons).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Strategy } from '../../strategies/strategy.ts';

const loaded = new Map<string, Strategy>();

/** The registry, imported by URL at run time: a bundle of a client process leaves it out. */
const registryUrl = new URL('../../strategies/registry.ts', import.meta.url).href;

/**
 * The strategy called `name`: from `module` (a `file://` URL whose default export is a
 * {@link Strategy} named `name`) when given, else from the registry. Throws if neither has it.
 */
export async function loadStrategy(name: string, module: string | null | undefined): Promise<Strategy> {
  if (module === null || module === undefined) {
    const { strategies } = (await importModule(registryUrl)) as unknown as { strategies: Record<string, Strategy> };
    const registered = strategies[name];
    if (registered === undefined) throw new Error(`no strategy named ${name}`);
    return registered;
  }
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const strategy = (await importModule(module)).default;
  if (strategy?.name !== name) throw new Error(`${module} does not export a strategy named ${name} as its default export`);
  loaded.set(name, strategy);
  return strategy;
}

/** A strategy this thread loaded from a module with {@link loadStrategy}, or undefined. */
export function loadedStrategy(name: string): Strategy | undefined {
  return loaded.get(name);
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
