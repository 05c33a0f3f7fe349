/**
 * A sequential specification for the linearizability checker, after Porcupine's `Model`
 * (https://github.com/anishathalye/porcupine, `model.go`: Init, Step, Equal, DescribeOperation,
 * DescribeState) and Knossos's models (`knossos.model`, https://github.com/jepsen-io/knossos).
 * The object is a deterministic state machine: `step` says whether an operation with that input
 * could have returned that output from a state, and the state after it.
 *
 * Porcupine gives an operation of unknown outcome (Jepsen's `:info`) an "unknown" output that
 * `Step` accepts; here {@link Model.stepUnknown} plays that part, and the checker may also leave
 * such an operation out (it may not have happened).
 */
import type { HistoryOperation } from './history.ts';

/** A history operation as the model reads it: its input, and its output when it completed `ok` (absent for `info`). */
export interface ModelOperation<I, O> {
  readonly input: I;
  readonly output?: O;
}

export interface Model<S, I, O> {
  /** The model's name, as `--model` takes it (e.g. `cas-register`). */
  readonly name: string;
  /** The state before any operation. */
  init(): S;
  /**
   * The state after an operation with `input` returned `output` in `state`; null if it could not
   * have (so a state is never null: box a value that may be nil). Must not modify `state`.
   */
  step(state: S, input: I, output: O): S | null;
  /**
   * The state after an operation with `input` and an unknown outcome took effect in `state`: the
   * state after it with whatever output the object would have given. Null (or `state` itself)
   * when taking effect there changes nothing; the checker never needs to place it there.
   */
  stepUnknown(state: S, input: I): S | null;
  /** Whether two states are the same (for the checker's memo of visited configurations). */
  equal(a: S, b: S): boolean;
  /**
   * Reads an operation of the history: its input, and its output if `op.status` is `ok`. Input
   * and output must be plain JSON data and history values (the checker treats two operations
   * whose input and output have the same `dataKey`, in `history.ts`, as interchangeable).
   * Throws `HistoryError` for an operation the model has no
   * function for or whose values it cannot read, naming the operation.
   */
  decode(op: HistoryOperation): ModelOperation<I, O>;
  /** One line for an operation, e.g. `read() -> 3`, `cas(1, 2)`; `output` undefined: outcome unknown. */
  describeOperation(input: I, output?: O): string;
  /** One line for a state, e.g. `value 3`, `2 tickets left`. */
  describeState(state: S): string;
}
