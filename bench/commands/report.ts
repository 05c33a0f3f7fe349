/**
 * `npm run report [-- --dir DIR]`: (re)writes `report.html` in a results folder (default
 * `results/`) from the JSON files already there (`default-suite.json`, the sweeps'
 * `sweep.json`), without running anything (see `reports/html-report.ts`). `npm run bench` and
 * `npm run bench:sweep` write it too when they write the folder.
 *
 * Exit codes: 0 written, 1 the page could not be written, 2 a bad command line or a JSON file that
 * is not what its name says.
 */
import { Command, Option } from 'commander';
import { readResultsFolder, renderHtmlReport, REPORT_FILE } from '../reports/html-report.ts';
import { resultsDir, writeFiles } from '../reports/report.ts';
import { runEntry } from './entry.ts';
import { parseArguments, withConventions, writableDir } from './options.ts';
import { usageExitCode, UsageError } from './usage-error.ts';
import { writeMessage } from './message-line.ts';

function program(): Command {
  return withConventions(new Command())
    .name('npm run report --')
    .description(`Writes ${REPORT_FILE}, one static page (no server, no network) with the headline table, the rows' repetitions and histories, and the sweeps' charts, from the JSON files of a results folder; runs nothing.`)
    .addOption(new Option('--dir <path>', 'the results folder to read and write into').default(null, 'results/'));
}

export async function main(argv: readonly string[]): Promise<number> {
  let dir: string;
  let page: string;
  try {
    const { given, str } = parseArguments(program(), argv);
    dir = given('dir') ? writableDir('dir', str('dir')) : resultsDir;
    try {
      page = await renderHtmlReport(readResultsFolder(dir));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read the results in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } catch (error) {
    return usageExitCode(error);
  }
  const failures = await writeFiles(dir, { [REPORT_FILE]: page });
  for (const failure of failures) writeMessage(`error: could not write ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

void runEntry(import.meta.url, main);
