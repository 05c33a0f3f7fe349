/**
 * The servers behind a simulated network: with a round trip of `rttMs` > 0, a loopback delay proxy
 * (see `network/delay-proxy.ts`, half the round trip each way) stands between the clients and
 * each server (Redis, PostgreSQL, and the brokers RabbitMQ and NATS: a broker owner's own
 * connection too), and the URLs the runs get point at the proxies. 0: the servers' own URLs.
 */
import { startDelayProxy, type DelayProxy } from '../network/delay-proxy.ts';
import { engineNames, type EngineName, type ServiceUrls } from './services.ts';

/** The URLs to give the runs, and `close` to stop the proxies (never rejects). */
export interface DelayedServices {
  readonly urls: ServiceUrls;
  /** The proxy in front of each engine's server (empty with no round trip): what crossed it, for the tests. */
  readonly proxies: Partial<Record<EngineName, DelayProxy>>;
  close(): Promise<void>;
}

const DEFAULT_PORTS: Record<EngineName, number> = { redis: 6379, postgres: 5432, rabbitmq: 5672, nats: 4222 };

/** `url` with its host and port replaced by the proxy's. */
function throughProxy(url: string, proxy: DelayProxy): string {
  const parsed = new URL(url);
  parsed.hostname = proxy.host;
  parsed.port = String(proxy.port);
  return parsed.toString();
}

/**
 * Starts a proxy in front of `engine`'s server at `url`, holding each direction `oneWayDelayMs`
 * (0: forwarding at once), and returns it with the URL that reaches the server through it.
 * Rejects on a URL without a host it can reach by TCP, and when the proxy cannot listen.
 */
export async function proxyFor(engine: EngineName, url: string, oneWayDelayMs: number): Promise<{ proxy: DelayProxy; url: string }> {
  const target = new URL(url);
  if (target.hostname === '') throw new Error(`a proxy needs a TCP host in the ${engine} URL ${url}`);
  const proxy = await startDelayProxy({ targetHost: target.hostname.replace(/^\[|\]$/g, ''), targetPort: target.port === '' ? DEFAULT_PORTS[engine] : Number(target.port), oneWayDelayMs });
  return { proxy, url: throughProxy(url, proxy) };
}

/** Starts a proxy per engine in front of `urls` when `rttMs` > 0. Rejects on a URL without a host it can reach by TCP. */
export async function delayedServices(urls: ServiceUrls, rttMs: number): Promise<DelayedServices> {
  if (!(rttMs > 0)) return { urls, proxies: {}, close: () => Promise.resolve() };
  const proxies: DelayProxy[] = [];
  const byEngine: Partial<Record<EngineName, DelayProxy>> = {};
  const close = async () => {
    await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
  };
  try {
    const delayed = { ...urls };
    for (const engine of engineNames) {
      if (new URL(urls[engine]).hostname === '') throw new Error(`--rtt needs a TCP host in the ${engine} URL ${urls[engine]}`);
      const { proxy, url } = await proxyFor(engine, urls[engine], rttMs / 2);
      proxies.push(proxy);
      byEngine[engine] = proxy;
      delayed[engine] = url;
    }
    return { urls: delayed, proxies: byEngine, close };
  } catch (error) {
    await close();
    throw error;
  }
}
