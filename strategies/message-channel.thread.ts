/**
 * The token desk of `message-channel`. Task data: the db path (to load the first token) and one
 * MessagePort per client (see `bench/owner-thread.ts`). It holds the token while nobody wants it
 * and grants it to requesters in arrival order. It never reads or changes the state inside. If the
 * holder's thread dies (its port closes), it re-issues the token from the db file: the last state
 * a holder persisted.
 */
import { readFile } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { DeskRequest, Token } from './message-channel.ts';
import { nextMessage } from './support/message-port.ts';

export interface TokenDeskTask extends OwnerTaskControl {
  readonly dbPath: string;
  readonly ports: readonly MessagePort[];
}

export default async function tokenDesk({ dbPath, ports, control }: TokenDeskTask): Promise<void> {
  const lastPersisted = async (): Promise<Token> => ({ state: JSON.parse(await readFile(dbPath, 'utf8')) as unknown });
  let token: Token | null = await lastPersisted();
  /** The port of the client that holds the token; null while the desk holds it. */
  let holder: MessagePort | null = null;
  const waiting: MessagePort[] = [];
  /** Why the token cannot be re-issued, once that has happened. */
  let lost: string | null = null;
  const grant = (): void => {
    if (lost !== null) {
      for (const port of waiting.splice(0)) port.postMessage({ lost });
      return;
    }
    if (token === null) return;
    const next = waiting.shift();
    if (next === undefined) return;
    next.postMessage(token);
    token = null;
    holder = next;
  };
  for (const port of ports) {
    port.on('message', (message: DeskRequest) => {
      if (message.type === 'acquire') waiting.push(port);
      else {
        token = { state: message.state };
        holder = null;
      }
      grant();
    });
    // A client's thread died: its port closes. If it held the token, the token died with it:
    // issue a new one from the last state persisted to the db file.
    port.on('close', () => {
      const queued = waiting.indexOf(port);
      if (queued >= 0) waiting.splice(queued, 1);
      if (holder !== port) return;
      holder = null;
      lastPersisted().then(
        (reissued) => {
          token = reissued;
          grant();
        },
        (error: unknown) => {
          // The holder died in the middle of its write: there is no state to re-issue. Every
          // waiter, now and later, is told so instead of waiting forever.
          lost = `the token holder died and the db file does not parse (${error instanceof Error ? error.message : String(error)})`;
          for (const port of waiting.splice(0)) port.postMessage({ lost });
        },
      );
    });
  }
  const stop = nextMessage(control);
  control.postMessage('ready');
  await stop;
  for (const port of ports) port.close();
}
