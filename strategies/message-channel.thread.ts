/**
 * The token desk of `message-channel`. Task data: the db path (to load the first token) and either
 * one MessagePort per client (threads runner) or the path of the Unix socket to listen on
 * (processes runner; see `support/owner-link.ts`) (see `bench/runners/owner-thread.ts`). It holds
 * the token while nobody wants it and grants it to requesters in arrival order. It never reads or
 * changes the state inside. If the holder's thread or process dies (its channel closes), it
 * re-issues the token from the db file: the last state a holder persisted.
 */
import { readFile } from 'node:fs/promises';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { DeskRequest, Token } from './message-channel.ts';
import { nextMessage } from './support/message-port.ts';
import { servePeers, type OwnerChannels } from './support/owner-endpoints.ts';
import type { ClientPeer } from './support/owner-link.ts';

export type TokenDeskTask = OwnerTaskControl & { readonly dbPath: string } & OwnerChannels;

export default async function tokenDesk(task: TokenDeskTask): Promise<void> {
  const { dbPath, control } = task;
  const lastPersisted = async (): Promise<Token> => ({ state: JSON.parse(await readFile(dbPath, 'utf8')) as unknown });
  let token: Token | null = await lastPersisted();
  /** The client that holds the token; null while the desk holds it. */
  let holder: ClientPeer | null = null;
  const waiting: ClientPeer[] = [];
  /** Why the token cannot be re-issued, once that has happened. */
  let lost: string | null = null;
  const grant = (): void => {
    if (lost !== null) {
      for (const peer of waiting.splice(0)) peer.send({ lost });
      return;
    }
    if (token === null) return;
    const next = waiting.shift();
    if (next === undefined) return;
    next.send(token);
    token = null;
    holder = next;
  };
  const serve = (peer: ClientPeer): void => {
    peer.onMessage((received) => {
      const message = received as DeskRequest;
      if (message.type === 'acquire') waiting.push(peer);
      else {
        token = { state: message.state };
        holder = null;
      }
      grant();
    });
    // A client's thread or process died: its channel closes. If it held the token, the token
    // died with it: issue a new one from the last state persisted to the db file.
    peer.onClose(() => {
      const queued = waiting.indexOf(peer);
      if (queued >= 0) waiting.splice(queued, 1);
      if (holder !== peer) return;
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
          for (const waiter of waiting.splice(0)) waiter.send({ lost });
        },
      );
    });
  };
  const clients = await servePeers(task, serve);
  const stop = nextMessage(control);
  control.postMessage('ready');
  await stop;
  await clients.close();
}
