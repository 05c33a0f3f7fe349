/**
 * Resolves once `cells[index]` no longer holds `value`, waiting with `Atomics.waitAsync` so that
 * the thread keeps running its other clients meanwhile.
 */
export async function waitWhileEquals(cells: Int32Array, index: number, value: number): Promise<void> {
  while (Atomics.load(cells, index) === value) {
    const wait = Atomics.waitAsync(cells, index, value);
    if (wait.async) await wait.value;
  }
}
