/**
 * `--columns` and `--wide`: which columns `npm run bench` shows on the terminal. The Markdown and
 * JSON always keep every figure.
 *
 * The two options record what they were given as commander parses them (their `argParser`), so
 * a command adds them to its definition and reads {@link terminalLayout} when it prints, with no
 * other code between. A bad value throws a {@link UsageError} during parsing: one line, exit 2,
 * nothing run.
 */
import { Option } from 'commander';
import { list } from '../commands/options.ts';
import { UsageError } from '../commands/usage-error.ts';
import { columnIds } from './columns.ts';
import { outputWidth, type ColumnChoice, type TerminalLayout } from './table.ts';

let chosen: ColumnChoice = { kind: 'headline' };

function record(next: ColumnChoice): void {
  if (chosen.kind !== 'headline' && chosen.kind !== next.kind) {
    throw new UsageError('--columns and --wide are not accepted together: --wide shows every column, --columns the ones it names');
  }
  chosen = next;
}

/** `--columns <ids>`: the terminal table's columns, comma-separated ids in the order given (see `columnIds`). */
export function columnsOption(): Option {
  return new Option('--columns <ids>', `the terminal table's columns, comma-separated, in this order: ${columnIds.join(', ')} (default: the headline ones)`).argParser(
    (value: string) => {
      const ids = list('columns', columnIds)(value);
      record({ kind: 'chosen', ids });
      return ids.join(',');
    },
  );
}

/** `--wide`: every column on the terminal, as in the Markdown. */
export function wideOption(): Option {
  return new Option('--wide', 'show every column on the terminal, as in the Markdown (default: the headline ones, fitted to the terminal)').preset(true).argParser(() => {
    record({ kind: 'wide' });
    return true;
  });
}

/** The column choice recorded by the options so far (the headline set when neither was given). */
export function chosenColumns(): ColumnChoice {
  return chosen;
}

/** Forgets the recorded choice (for a second parse in the same process, as tests do). */
export function resetColumnChoice(): void {
  chosen = { kind: 'headline' };
}

/** How to lay out the tables written to `stream`: its width (see `outputWidth`) and the chosen columns. */
export function terminalLayout(stream: NodeJS.WriteStream = process.stdout): TerminalLayout {
  return { width: outputWidth(stream), columns: chosen };
}
