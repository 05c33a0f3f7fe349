/**
 * A compare-and-set register as a sequential specification, as in Knossos's `cas-register` model
 * (https://github.com/jepsen-io/knossos, `knossos.model`) and Jepsen's etcd test: the state is one
 * value, nil at the start; `read` returns it, `write v` sets it, `cas [old new]` sets it to new if
 * it equals old. A cas that completed `ok` succeeded, so the value was old; a cas that returned
 * `fail` did not happen (the checker drops every `fail`), as in Jepsen.
 *
 * History operations (Jepsen's): f `read`, input nil, output the value read; f `write`, input the
 * value (output ignored); f `cas`, input `[old new]` (output ignored). Values compare structurally.
 * With an unknown outcome (`info`) a write may have set its value, a cas may have set new if the
 * value was old, and a read changes nothing.
 */
import { formatValue, HistoryError, sameValue, type HistoryOperation, type Value } from './history.ts';
import type { Model, ModelOperation } from './model.ts';

/** The register's state: its value (boxed, since a null step result means "not allowed" and nil is a value). */
export interface RegisterState {
  readonly value: Value;
}

export type RegisterInput = { readonly f: 'read' } | { readonly f: 'write'; readonly value: Value } | { readonly f: 'cas'; readonly from: Value; readonly to: Value };

function readInput(op: HistoryOperation): RegisterInput {
  const where = `operation ${op.index} (process ${op.process})`;
  if (op.f === 'read') {
    if (op.input !== null) throw new HistoryError(`${where}: a read takes no input (nil), not ${formatValue(op.input)}`);
    return { f: 'read' };
  }
  if (op.f === 'write') return { f: 'write', value: op.input };
  if (op.f === 'cas') {
    const pair: Value = op.input;
    if (!Array.isArray(pair) || pair.length !== 2) throw new HistoryError(`${where}: a cas takes [old new], not ${formatValue(op.input)}`);
    const [from = null, to = null] = pair as readonly Value[];
    return { f: 'cas', from, to };
  }
  throw new HistoryError(`${where}: the cas register has no function '${op.f}' (read, write, cas)`);
}

/** The register, with value `initial` (default nil) at the start. Its output is the value a read returned (nil for write and cas). */
export function casRegister(initial: Value = null): Model<RegisterState, RegisterInput, Value> {
  /** The state after `input` took effect in `state`, or null if it cannot (a cas whose old value is not there). */
  const apply = (state: RegisterState, input: RegisterInput): RegisterState | null => {
    if (input.f === 'read') return state;
    if (input.f === 'write') return { value: input.value };
    return sameValue(state.value, input.from) ? { value: input.to } : null;
  };
  return {
    name: 'cas-register',
    init: () => ({ value: initial }),
    step: (state, input, output) => (input.f === 'read' ? (sameValue(state.value, output) ? state : null) : apply(state, input)),
    stepUnknown: (state, input) => (input.f === 'read' ? null : apply(state, input)),
    equal: (a, b) => sameValue(a.value, b.value),
    decode(op): ModelOperation<RegisterInput, Value> {
      const input = readInput(op);
      if (op.status !== 'ok') return { input };
      return { input, output: input.f === 'read' ? op.output : null };
    },
    describeOperation(input, output) {
      const result = output === undefined ? ' -> unknown' : '';
      if (input.f === 'read') return `read() -> ${output === undefined ? 'unknown' : formatValue(output)}`;
      if (input.f === 'write') return `write(${formatValue(input.value)})${result}`;
      return `cas(${formatValue(input.from)}, ${formatValue(input.to)})${result}`;
    },
    describeState: (state) => `value ${formatValue(state.value)}`,
  };
}
