/**
 * The client processes run compiled JavaScript, never a TypeScript loader (tsx costs each of 50
 * processes started at once several times the start-up of a bare `node`). esbuild bundles
 * `process-host.ts` with everything of this project it imports into one ES module; packages stay
 * external and load from `node_modules` as usual (native addons included). The bundle is built once
 * per command and kept in `node_modules/.cache/sync-bench/`, written atomically, so commands running
 * at once never read a half-written one.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import writeFileAtomic from 'write-file-atomic';
import { strategies } from '../../strategies/registry.ts';
import type { Strategy } from '../../strategies/strategy.ts';

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/sync-bench/', import.meta.url));
const hostEntry = fileURLToPath(new URL('./process-host.ts', import.meta.url));
const ownerHostEntry = fileURLToPath(new URL('./owner-host.ts', import.meta.url));

const built = new Map<string, Promise<string>>();

/**
 * Bundles `entry` (a file path, or a module's source with the folder its imports resolve from)
 * into one ES module in the cache; resolves with its path. Once per entry and command.
 */
function bundle(entry: string | { contents: string; resolveDir: string }, name: string): Promise<string> {
  const key = typeof entry === 'string' ? entry : entry.contents;
  let pending = built.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const result = await build({
        ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' } }),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        write: false,
        logLevel: 'silent',
        // Bundled CommonJS dependencies of our own files may call require.
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      });
      const [output] = result.outputFiles;
      if (output === undefined) throw new Error(`esbuild produced nothing for ${name}`);
      mkdirSync(cacheDir, { recursive: true });
      const digest = createHash('sha256').update(output.contents).digest('hex').slice(0, 12);
      const path = `${cacheDir}${name}-${digest}.mjs`;
      await writeFileAtomic(path, Buffer.from(output.contents));
      return path;
    })();
    pending.catch(() => built.delete(key));
    built.set(key, pending);
  }
  return pending;
}

/** The path of the compiled client-process program. */
export function processHostBundle(): Promise<string> {
  return bundle(hostEntry, 'process-host');
}

/** The path of the compiled owner-process program (see `owner-host.ts`). */
export function ownerHostBundle(): Promise<string> {
  return bundle(ownerHostEntry, 'owner-host');
}

/** An owner task's module (a queue owner, a token desk) given by file URL, compiled for an owner process: its `file://` URL. */
export async function compiledOwnerModule(url: string): Promise<string> {
  const path = await bundle(fileURLToPath(url), 'owner');
  return pathToFileURL(path).href;
}

/** A strategy module given by file URL (tests), compiled for the client processes: its `file://` URL. */
export async function compiledStrategyModule(url: string): Promise<string> {
  const path = await bundle(fileURLToPath(url), 'strategy');
  return pathToFileURL(path).href;
}

const strategiesDir = fileURLToPath(new URL('../../strategies/', import.meta.url));

/**
 * The registered strategy `name` alone, compiled for the client processes: its `file://` URL. Its
 * module and export are found by importing the strategy modules and comparing each export with the
 * registry's entry, so a client process loads that one strategy and nothing of the others.
 */
export async function compiledRegisteredStrategy(name: string): Promise<string> {
  const wanted = (strategies as Record<string, Strategy>)[name];
  if (wanted === undefined) throw new Error(`no strategy named ${name}`);
  for (const file of readdirSync(strategiesDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'registry.ts')) {
    const module = (await import(pathToFileURL(join(strategiesDir, file)).href)) as Record<string, unknown>;
    const exported = Object.entries(module).find(([, value]) => value === wanted)?.[0];
    if (exported === undefined) continue;
    const path = await bundle({ contents: `export { ${exported} as default } from ${JSON.stringify(join(strategiesDir, file))};\n`, resolveDir: strategiesDir }, `strategy-${name}`);
    return pathToFileURL(path).href;
  }
  throw new Error(`strategy ${name} is registered but not exported by any module of strategies/`);
}
