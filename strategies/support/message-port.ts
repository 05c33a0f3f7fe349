import type { MessagePort } from 'node:worker_threads';

/** Thrown when the thread at the other end of a port is gone. */
export class PeerGoneError extends Error {
  readonly code = 'EPEERGONE';
}

/**
 * Resolves with the next message that arrives on `port`; rejects with {@link PeerGoneError} if
 * the port closes first (its other end was closed, or the thread holding it ended).
 */
export function nextMessage(port: MessagePort, peer = 'the other end'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      port.off('close', onClose);
      resolve(message);
    };
    const onClose = () => {
      port.off('message', onMessage);
      reject(new PeerGoneError(`${peer} is gone: its port closed`));
    };
    port.once('message', onMessage);
    port.once('close', onClose);
  });
}
