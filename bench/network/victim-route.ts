/**
 * The victim's own way to its servers: a fault that strikes the network between one client and
 * its server (`faults/partition.ts`) puts a proxy in front of the server that only the victim goes
 * through, so that silencing the proxy's connections silences the victim and nobody else.
 *
 * A strategy's `setup` hands each client a share (see `strategies/strategy.ts`) built from the
 * run's service URLs; the harness cannot reach into how the strategy connects. So the victim's
 * share is rewritten on its way in: every string in it equal to one of the run's service URLs is
 * replaced by the same URL with the proxy's host and port (user, database, query parameters
 * kept). A strategy that does not carry its server's URL in its share is not rerouted; the fault
 * sees that the proxy accepted no connection and fails the run saying so, rather than silencing
 * nobody.
 */
import type { EngineName, ServiceUrls } from '../engines/services.ts';

/** By URL the run gives every client, the URL the victim uses instead. */
export type VictimRoutes = Readonly<Record<string, string>>;

/** `url` with its host and port replaced by `host`:`port`; the rest (user, path, query) kept. */
export function throughEndpoint(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}

/**
 * The victim's routes for a run whose clients reach their servers at `services`, through the
 * proxies at `endpoints` (by engine; an engine without one keeps its URL). Throws a TypeError on a
 * service URL that does not parse.
 */
export function victimRoutes(services: ServiceUrls, endpoints: Partial<Record<EngineName, { readonly host: string; readonly port: number }>>): VictimRoutes {
  const routes: Record<string, string> = {};
  for (const [engine, endpoint] of Object.entries(endpoints) as [EngineName, { host: string; port: number } | undefined][]) {
    if (endpoint !== undefined) routes[services[engine]] = throughEndpoint(services[engine], endpoint.host, endpoint.port);
  }
  return routes;
}

/**
 * `share` with every string equal to a key of `routes` replaced by its value, at any depth of
 * plain objects and arrays (a share is structured-cloneable data). Other values are kept as they
 * are (the same object when nothing in it changed).
 */
export function rerouted(share: unknown, routes: VictimRoutes): unknown {
  if (typeof share === 'string') return Object.hasOwn(routes, share) ? routes[share] : share;
  if (Array.isArray(share)) return share.map((item) => rerouted(item, routes));
  if (share === null || typeof share !== 'object' || Object.getPrototypeOf(share) !== Object.prototype) return share;
  return Object.fromEntries(Object.entries(share).map(([key, value]) => [key, rerouted(value, routes)]));
}
