/**
 * Jain's fairness index of an allocation x₁…xₙ (R. Jain, D. Chiu, W. Hawe, "A Quantitative
 * Measure of Fairness and Discrimination for Resource Allocation in Shared Computer Systems",
 * DEC-TR-301, 1984): (Σx)² / (n·Σx²). It is 1 when every xᵢ is equal and 1/n when one party
 * gets everything. Here xᵢ is the critical sections client (or thread) i acquired in a window.
 *
 * Returns null for an empty allocation or one where nobody got anything (the index is 0/0).
 */
export function jainIndex(xs: readonly number[]): number | null {
  let sum = 0;
  let squares = 0;
  for (const x of xs) {
    sum += x;
    squares += x * x;
  }
  return xs.length === 0 || squares === 0 ? null : (sum * sum) / (xs.length * squares);
}
