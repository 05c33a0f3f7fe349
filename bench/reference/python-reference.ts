/**
 * The tutorial's own programs under Python's `multiprocessing.Lock` (`tutorial.py` beside this
 * file), run with the same clients, tickets, latencies and ordered-print sleeps (from the same
 * seed) as the harness's processes runner, so that a reader sees the two side by side. Its figures
 * come from its own output: the program wall (first `start()` to last `join()`, start-up
 * included), the lines each client printed and the final db, checked by the same rules as the
 * workloads' (`check` of ordered-print and ticket-rush): never from what the program says of itself.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread, type Spread } from '../suites/summary.ts';
import type { LatencyProfile } from '../workloads/latency.ts';
import type { PrintLine, Prints } from '../evidence/print-log.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';
import type { ClientOutcome } from '../workloads/workload.ts';

const script = fileURLToPath(new URL('./tutorial.py', import.meta.url));

/** The interpreter run for the reference; the row says when it is not on the PATH. */
export const PYTHON = 'python3';

/** How long one run of the program may take before it is killed, ms. */
const RUN_TIMEOUT_MS = 120_000;

/** How long a client waits in `lock.acquire` after a holder was killed before it gives up, s. */
export const ACQUIRE_TIMEOUT_S = 3;

/** The reference row of one workload and latency profile. */
export interface ReferenceRow {
  readonly program: string;
  readonly workload: WorkloadName;
  readonly latency: LatencyProfile['name'];
  readonly clients: number;
  readonly tickets: number;
  readonly repetitions: number;
  /** First `Process.start()` to last `join()`, ms, median [min–max]; null when it did not run. */
  readonly programWallMs: Spread | null;
  readonly verdict: 'correct' | 'incorrect' | 'failed' | 'unavailable';
  readonly reasons: readonly string[];
  /** ticket-rush: "bought" lines, tickets oversold, final count (worst repetition). */
  readonly sold?: number;
  readonly oversold?: number;
  readonly finalCount?: number | null;
  /** ordered-print: clients whose two lines are not adjacent (worst repetition). */
  readonly interleaved?: number;
}

/** What one run of the program printed, parsed. */
interface ProgramRun {
  readonly lines: readonly { client: number; event: string }[];
  readonly programWallMs: number;
  readonly final: { count: number } | null;
}

/** Runs `tutorial.py` with `spec` and parses its output; rejects on a failure, one line. */
function runProgram(spec: object, signal?: AbortSignal): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that the program's clients end with it.
    const child = spawn(PYTHON, [script, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const killAll = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killAll, RUN_TIMEOUT_MS);
    const onAbort = () => killAll();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, killed) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      killAll();
      const lines = stdout.split('\n').filter((l) => l !== '');
      const result = lines.find((l) => l.startsWith('result '));
      if (code !== 0 || result === undefined) {
        const said = stderr.trim().split('\n').slice(-1)[0] ?? '';
        reject(new Error(`the Python program ended (${killed ?? `exit code ${code ?? '?'}`}) without its result${said === '' ? '' : `: ${said}`}`));
        return;
      }
      const parsed = JSON.parse(result.slice('result '.length)) as { program_wall_ms: number; final: { count: number } | null };
      resolve({
        lines: lines.filter((l) => !l.startsWith('result ')).map((l) => ({ client: Number(l.split(' ')[0]), event: l.split(' ')[1] ?? '' })),
        programWallMs: parsed.program_wall_ms,
        final: parsed.final,
      });
    });
  });
}

/** Whether `python3` can be run here: null if so, else why not. */
export async function pythonMissing(): Promise<string | null> {
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(PYTHON, ['--version'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${PYTHON} --version exited ${code ?? '?'}`))));
    });
    return null;
  } catch (error) {
    return `${PYTHON} is not on the PATH (${(error as NodeJS.ErrnoException).code ?? String(error)}): install Python 3 to add the tutorial's own program beside the processes runner`;
  }
}

/**
 * The reference row for `workload` at `latency`: the tutorial's program under
 * `multiprocessing.Lock`, `repeat` times, with `clients` clients, `tickets` tickets and
 * ordered-print's sleeps drawn from `seed` + repetition − 1, as the harness draws them.
 */
export async function runReference(
  settings: { workload: WorkloadName; latency: LatencyProfile; clients: number; tickets: number; repeat: number; seed: number },
  signal?: AbortSignal,
): Promise<ReferenceRow> {
  const program = `${PYTHON} multiprocessing.Lock (the tutorial's program)`;
  const head = { program, workload: settings.workload, latency: settings.latency.name, clients: settings.clients, tickets: settings.tickets, repetitions: settings.repeat };
  const missing = await pythonMissing();
  if (missing !== null) return { ...head, programWallMs: null, verdict: 'unavailable', reasons: [missing] };
  const walls: number[] = [];
  let worst: Omit<ReferenceRow, keyof typeof head | 'programWallMs'> = { verdict: 'correct', reasons: [] };
  const dir = await mkdtemp(join(tmpdir(), 'sync-bench-python-'));
  try {
    for (let repetition = 1; repetition <= settings.repeat; repetition++) {
      const db = join(dir, 'db');
      await writeFile(db, JSON.stringify({ count: settings.tickets }));
      const sleeps = workloads[settings.workload].inputs(settings.clients, settings.latency, settings.seed + repetition - 1).map((ms) => ms / 1000);
      let run: ProgramRun;
      try {
        run = await runProgram(
          { workload: settings.workload, clients: settings.clients, locked: true, db, read_s: settings.latency.readMs / 1000, write_s: settings.latency.writeMs / 1000, sleeps },
          signal,
        );
      } catch (error) {
        if (signal?.aborted === true) throw error;
        worst = { verdict: 'failed', reasons: [error instanceof Error ? error.message : String(error)] };
        continue;
      }
      walls.push(run.programWallMs);
      const judged = judge(settings.workload, settings.clients, settings.tickets, run);
      if (worst.verdict === 'correct' && judged.verdict !== 'correct') worst = judged;
      else if (worst.verdict === 'correct') worst = judged;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ...head, programWallMs: spread(walls), ...worst };
}

/** The workload's own check (`workloads[…].check`) applied to what the program printed and left in its db. */
function judge(workload: WorkloadName, clients: number, tickets: number, run: ProgramRun): Omit<ReferenceRow, 'program' | 'workload' | 'latency' | 'clients' | 'tickets' | 'repetitions' | 'programWallMs'> {
  const printed = run.lines.flatMap((l): PrintLine[] => (l.event === 'running' || l.event === 'done' ? [{ clientId: l.client, kind: l.event }] : []));
  const prints: Prints = { print: () => undefined, lines: () => printed, printed: printed.length };
  const outcomes: ClientOutcome[] = Array.from({ length: clients }, (_, clientId) => ({
    clientId,
    thread: 0,
    requests: 1,
    successes: run.lines.filter((l) => l.client === clientId && l.event === 'bought').length,
    tornReadsOutside: 0,
    tornReadsInside: 0,
    end: 0,
  }));
  const finalState = run.final === null ? { ok: false as const, text: '' } : { ok: true as const, state: run.final };
  const { figures, problems } = workloads[workload].check({ tickets, clients, outcomes, finalState, prints });
  const verdict = problems.length === 0 ? 'correct' : 'incorrect';
  if (figures.workload === 'ticket-rush') return { verdict, reasons: problems, sold: figures.sold, oversold: figures.oversold, finalCount: figures.finalCount };
  if (figures.workload === 'ordered-print') return { verdict, reasons: problems, interleaved: figures.interleaved };
  return { verdict, reasons: problems };
}

/**
 * The tutorial's lock when its holder is killed: client 0 takes `multiprocessing.Lock`, is killed
 * with SIGKILL once the others wait, and each of the others gives up after
 * {@link ACQUIRE_TIMEOUT_S} s in `lock.acquire`. Resolves with how many of them got the lock, or
 * why the program could not run.
 */
export async function runReferenceCrash(
  settings: { latency: LatencyProfile; clients: number; tickets: number },
  signal?: AbortSignal,
): Promise<{ readonly acquired: number; readonly gaveUp: number; readonly programWallMs: number } | { readonly unavailable: string }> {
  const missing = await pythonMissing();
  if (missing !== null) return { unavailable: missing };
  const dir = await mkdtemp(join(tmpdir(), 'sync-bench-python-'));
  try {
    const db = join(dir, 'db');
    await writeFile(db, JSON.stringify({ count: settings.tickets }));
    const run = await runProgram(
      {
        workload: 'ticket-rush',
        clients: settings.clients,
        locked: true,
        db,
        read_s: settings.latency.readMs / 1000,
        write_s: settings.latency.writeMs / 1000,
        crash: true,
        acquire_s: ACQUIRE_TIMEOUT_S,
      },
      signal,
    );
    const gaveUp = run.lines.filter((l) => l.event === 'gave-up').length;
    return { acquired: settings.clients - 1 - gaveUp, gaveUp, programWallMs: run.programWallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
