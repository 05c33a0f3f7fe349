import type { MessagePort } from 'node:worker_threads';

/** Resolves with the next message that arrives on `port`. */
export function nextMessage(port: MessagePort): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}
