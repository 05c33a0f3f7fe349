/**
 * What a client process loads at start-up: the compiled client program (`process-host.ts`) imports
 * none of the servers' client libraries, and each registered strategy's compiled module imports
 * only the libraries of the servers it uses (its state store's, its broker's). Each library costs
 * a fresh process 0.05–0.25 s of CPU to load; loading all four in each of a row's 50 client
 * processes was most of its program wall (see docs/measurement-cost.md). Read from the bundles'
 * static imports, which Node loads before the program runs; a dynamic `import()` loads only when called.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledRegisteredStrategy, processHostBundle } from '../bench/runners/process-bundle.ts';
import { enginesOf } from '../bench/engines/availability.ts';
import type { EngineName } from '../bench/engines/services.ts';
import { strategies, strategyNames } from '../strategies/registry.ts';

/** The client library of each server, by the package names it is imported under. */
const libraries: Record<EngineName, RegExp> = { postgres: /^pg$/, redis: /^ioredis$/, rabbitmq: /^amqplib$/, nats: /^@nats-io\// };

/** The packages `source` (an ES module) imports statically: `import … from 'x'` and `import 'x'`, not `import('x')`. */
export function staticImports(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1] ?? '');
}

/** The servers whose client library `source` imports statically. */
function enginesLoaded(source: string): EngineName[] {
  const imported = staticImports(source);
  return (Object.keys(libraries) as EngineName[]).filter((engine) => imported.some((name) => libraries[engine].test(name)));
}

describe('what a client process loads at start-up', () => {
  it('the reading of static imports sees a library imported at the top and not one imported when called', () => {
    const source = "import { Client } from 'pg';\nimport amqp from \"amqplib\";\nimport 'ioredis';\nasync function f() { return import('@nats-io/transport-node'); }\n";
    expect(enginesLoaded(source)).toEqual(['postgres', 'redis', 'rabbitmq']);
  });

  it('the client program imports no server client library', { timeout: 60_000 }, async () => {
    const source = readFileSync(await processHostBundle(), 'utf8');
    expect(enginesLoaded(source)).toEqual([]);
  });

  it('each strategy imports the client libraries of its own servers only', { timeout: 120_000 }, async () => {
    const extra: Record<string, EngineName[]> = {};
    for (const name of strategyNames) {
      const source = readFileSync(fileURLToPath(await compiledRegisteredStrategy(name)), 'utf8');
      const own = enginesOf(strategies[name]);
      const others = enginesLoaded(source).filter((engine) => !own.includes(engine));
      if (others.length > 0) extra[name] = others;
    }
    expect(extra).toEqual({});
  });
});
