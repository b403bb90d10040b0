/**
 * Toxiproxy, the TCP fault proxy, run in the lab's hub namespace: one proxy per worker link
 * (worker → PostgreSQL, worker → Temporal), and the toxics that make a link slow, lossy or cut.
 * Driven through its HTTP API with fetch. Built by scripts/setup-toxiproxy.sh when missing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Project root: chaos/hosts/../.. */
const ROOT = join(__dirname, '..', '..');

/** Where scripts/setup-toxiproxy.sh puts the server. */
const BUILT_SERVER = join(ROOT, '.tmp', 'toxiproxy', 'bin', 'toxiproxy-server');

/** A toxic as Toxiproxy's API takes it. */
export interface Toxic {
  readonly name: string;
  /** `latency`, `bandwidth`, `timeout`, `reset_peer`, `slow_close`, `limit_data`, `slicer`. */
  readonly type: string;
  /** `upstream` (client → server) or `downstream` (server → client). */
  readonly stream: 'upstream' | 'downstream';
  /** Share of connections it applies to, 0..1. Default: 1. */
  readonly toxicity?: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** The path of the Toxiproxy server: TOXIPROXY_SERVER, else built into .tmp by the setup script. */
export async function ensureToxiproxy(): Promise<string> {
  const given = process.env.TOXIPROXY_SERVER;
  if (given) return given;
  if (!existsSync(BUILT_SERVER))
    await promisify(execFile)('bash', [join(ROOT, 'scripts', 'setup-toxiproxy.sh')], {
      cwd: ROOT,
    });
  if (!existsSync(BUILT_SERVER))
    throw new Error(
      'Toxiproxy could not be built: run `bash scripts/setup-toxiproxy.sh` (needs Go), or set TOXIPROXY_SERVER.',
    );
  return BUILT_SERVER;
}

/** A client of one Toxiproxy server's HTTP API. */
export class ToxiproxyClient {
  /** @param api `http://host:port` of the API. */
  constructor(private readonly api: string) {}

  /** Waits until the API answers. */
  async waitReady(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.call('GET', '/version');
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`Toxiproxy did not answer within ${timeoutMs} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Creates a proxy listening on `listen` (`host:port`) in front of `upstream`. */
  async createProxy(name: string, listen: string, upstream: string): Promise<void> {
    await this.call('POST', '/proxies', { name, listen, upstream, enabled: true });
  }

  /** Enables or disables a proxy: disabled, it resets every connection and refuses new ones. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${proxy}`, { enabled });
  }

  /** Adds a toxic to a proxy. */
  async addToxic(proxy: string, toxic: Toxic): Promise<void> {
    await this.call('POST', `/proxies/${proxy}/toxics`, { toxicity: 1, ...toxic });
  }

  /** Removes a toxic from a proxy. */
  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy}/toxics/${name}`);
  }

  /** Names of the toxics on a proxy. */
  async toxics(proxy: string): Promise<string[]> {
    const list = (await this.call('GET', `/proxies/${proxy}/toxics`)) as { name: string }[];
    return list.map((t) => t.name);
  }

  /** Removes a proxy. */
  async deleteProxy(proxy: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy}`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.api}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${text.trim()}`);
    // `/version` answers plain text; the rest JSON.
    const json = response.headers.get('content-type')?.includes('json');
    return json && text ? (JSON.parse(text) as unknown) : text;
  }
}
