import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strategies } from '../strategies/registry.ts';
import type { Strategy } from '../strategies/strategy.ts';

const dir = fileURLToPath(new URL('../strategies/', import.meta.url));
/** Modules in strategies/ that are not strategy modules: the interface, the registry, owner-thread entries. */
const isSupport = (file: string) => file === 'strategy.ts' || file === 'registry.ts' || file.endsWith('.thread.ts');

function looksLikeStrategy(value: unknown): value is Strategy {
  const v = value as Partial<Strategy> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.setup === 'function' && typeof v.connect === 'function';
}

describe('the strategy registry', () => {
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !isSupport(f));

  it.each(modules)('registers the strategy of strategies/%s under its own name', async (file) => {
    const module = (await import(/* @vite-ignore */ `../strategies/${file}`)) as Record<string, unknown>;
    const exported = Object.values(module).filter(looksLikeStrategy);
    expect(exported, `strategies/${file} exports no Strategy: a module there must export one (helpers go in strategies/support/)`).not.toHaveLength(0);
    for (const strategy of exported) {
      expect(strategies[strategy.name as keyof typeof strategies], `${strategy.name} from strategies/${file} is not in strategies/registry.ts`).toBe(strategy);
    }
  });

  it('has one module per registered strategy, named after it', () => {
    for (const name of Object.keys(strategies)) expect(modules).toContain(`${name}.ts`);
  });
});
