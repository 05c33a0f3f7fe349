/**
 * A run's notes: what a strategy tells the row about how it ran, beside the evidence and never
 * part of the verdict (file-lock's waiters polling because file-change events are unavailable).
 * A client writes one with `ClientEnv.note`; every client of a run, in any thread or process,
 * appends its lines to one file in the run's folder, which the run reads once its clients have
 * answered. Each distinct line is one note, in the order first written.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The notes file of the run whose db file is `dbPath` (the run folder's `notes`). */
export function notesPath(dbPath: string): string {
  return join(dirname(dbPath), 'notes');
}

/**
 * Appends `text` as one line (line breaks become spaces) to the notes file at `path`. A note that
 * cannot be written is dropped: it must not fail the client that tells it.
 */
export function writeNote(path: string, text: string): void {
  try {
    appendFileSync(path, `${text.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`);
  } catch {
    // The run folder is gone (the run is ending): nobody will read the note.
  }
}

/** The distinct notes in the file at `path`, in the order first written; none when there is no file. */
export function readNotes(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return [...new Set(text.split('\n').filter((line) => line !== ''))];
}
