/**
 * The token desk of `message-channel`. Task data: the db path (to load the first token) and one
 * MessagePort per client (see `bench/owner-thread.ts`). It holds the token while nobody wants it
 * and grants it to requesters in arrival order. It never reads or changes the state inside.
 */
import { readFile } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import type { OwnerTaskControl } from '../bench/owner-thread.ts';
import type { DeskRequest, Token } from './message-channel.ts';
import { nextMessage } from './support/message-port.ts';

export interface TokenDeskTask extends OwnerTaskControl {
  readonly dbPath: string;
  readonly ports: readonly MessagePort[];
}

export default async function tokenDesk({ dbPath, ports, control }: TokenDeskTask): Promise<void> {
  let token: Token | null = { state: JSON.parse(await readFile(dbPath, 'utf8')) as unknown };
  const waiting: MessagePort[] = [];
  const grant = (): void => {
    if (token === null) return;
    const next = waiting.shift();
    if (next === undefined) return;
    next.postMessage(token);
    token = null;
  };
  for (const port of ports) {
    port.on('message', (message: DeskRequest) => {
      if (message.type === 'acquire') waiting.push(port);
      else token = { state: message.state };
      grant();
    });
  }
  const stop = nextMessage(control);
  control.postMessage('ready');
  await stop;
  for (const port of ports) port.close();
}
