/**
 * The client processes run compiled JavaScript, never a TypeScript loader (tsx costs each of 50
 * processes started at once several times the start-up of a bare `node`). esbuild bundles
 * `process-host.ts` with everything of this project it imports into one ES module; packages stay
 * external and load from `node_modules` as usual (native addons included). The bundle is built once
 * per command and kept in `node_modules/.cache/sync-bench/`, written atomically, so commands running
 * at once never read a half-written one.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import writeFileAtomic from 'write-file-atomic';

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/sync-bench/', import.meta.url));
const hostEntry = fileURLToPath(new URL('./process-host.ts', import.meta.url));

const built = new Map<string, Promise<string>>();

/** Bundles `entry` (a file path) into one ES module in the cache; resolves with its path. Once per entry and command. */
function bundle(entry: string, name: string): Promise<string> {
  let pending = built.get(entry);
  if (pending === undefined) {
    pending = (async () => {
      const result = await build({
        entryPoints: [entry],
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
      if (output === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
      mkdirSync(cacheDir, { recursive: true });
      const digest = createHash('sha256').update(output.contents).digest('hex').slice(0, 12);
      const path = `${cacheDir}${name}-${digest}.mjs`;
      await writeFileAtomic(path, Buffer.from(output.contents));
      return path;
    })();
    pending.catch(() => built.delete(entry));
    built.set(entry, pending);
  }
  return pending;
}

/** The path of the compiled client-process program. */
export function processHostBundle(): Promise<string> {
  return bundle(hostEntry, 'process-host');
}

/** A strategy module given by file URL (tests), compiled for the client processes: its `file://` URL. */
export async function compiledStrategyModule(url: string): Promise<string> {
  const path = await bundle(fileURLToPath(url), 'strategy');
  return pathToFileURL(path).href;
}
