/**
 * The servers a run needs, started at once: the local ones (an embedded or given PostgreSQL and
 * a Temporal dev server on loopback) for the scenarios that run on this host, the network lab
 * (hosts/network.ts) for those on separate hosts, the workflow bundle, and a Temporal client
 * for each set. Only the sets some scenario needs are started.
 */
import { join } from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import {
  bundleChaosWorkflows,
  type ChaosPostgres,
  type ChaosTemporal,
  startChaosPostgres,
  startChaosTemporal,
} from './environment';
import { type ChaosNetwork, startChaosNetwork } from './hosts/network';
import type { Scenario } from './scenario';

/** A PostgreSQL, a Temporal server and a client of it. */
export interface ServerSet {
  readonly postgres: ChaosPostgres;
  readonly temporal: ChaosTemporal;
  readonly client: Client;
  /** The lab the servers are in, for the scenarios on separate hosts. */
  readonly network?: ChaosNetwork;
}

/** The servers of a run. */
export interface RunServers {
  readonly local?: ServerSet;
  readonly hosts?: ServerSet;
  readonly workflowBundle: string;
  /** The set a scenario runs on. */
  setFor(scenario: Scenario): ServerSet;
  close(): Promise<void>;
}

/** Starts what `scenarios` need; on failure stops what did start. */
export async function startServers(
  scenarios: readonly Scenario[],
  runDir: string,
  adminUrl: string | undefined,
  log: (line: string) => void,
): Promise<RunServers> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  const needLocal = scenarios.some((s) => !s.hosts);
  const needHosts = scenarios.some((s) => s.hosts);
  const started = await Promise.allSettled([
    needLocal ? startLocal(runDir, adminUrl, closers) : undefined,
    needHosts ? startHosts(runDir, closers) : undefined,
    bundleChaosWorkflows(runDir),
  ]);
  const [local, hosts, bundle] = started;
  try {
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  } catch (error) {
    await close();
    throw error;
  }
  const localSet = local.status === 'fulfilled' ? local.value : undefined;
  const hostSet = hosts.status === 'fulfilled' ? hosts.value : undefined;
  if (localSet)
    log(
      `PostgreSQL ${adminUrl ? 'given by DATABASE_URL' : 'embedded'}, Temporal dev server at ${localSet.temporal.address}`,
    );
  if (hostSet?.network)
    log(
      `network lab ${hostSet.network.lab.id} on ${hostSet.network.lab.subnet}.0/24: PostgreSQL and Temporal on hosts of their own, Toxiproxy on the hub`,
    );
  return {
    local: localSet,
    hosts: hostSet,
    workflowBundle: bundle.status === 'fulfilled' ? bundle.value : '',
    setFor(scenario) {
      const set = scenario.hosts ? hostSet : localSet;
      if (!set) throw new Error(`no servers started for ${scenario.name}`);
      return set;
    },
    close,
  };
}

async function startLocal(
  runDir: string,
  adminUrl: string | undefined,
  closers: (() => Promise<void>)[],
): Promise<ServerSet> {
  const [postgres, temporal] = await Promise.allSettled([
    startChaosPostgres(join(runDir, 'postgres.log'), adminUrl),
    startChaosTemporal(runDir),
  ]);
  if (postgres.status === 'fulfilled') closers.push(() => postgres.value.close());
  if (temporal.status === 'fulfilled') closers.push(() => temporal.value.close());
  if (postgres.status === 'rejected') throw postgres.reason;
  if (temporal.status === 'rejected') throw temporal.reason;
  return {
    postgres: postgres.value,
    temporal: temporal.value,
    client: await clientOf(temporal.value.address, closers),
  };
}

async function startHosts(runDir: string, closers: (() => Promise<void>)[]): Promise<ServerSet> {
  const network = await startChaosNetwork(runDir);
  closers.push(() => network.close());
  return {
    postgres: network.postgres,
    temporal: network.temporal,
    network,
    client: await clientOf(network.temporal.address, closers),
  };
}

async function clientOf(address: string, closers: (() => Promise<void>)[]): Promise<Client> {
  const connection = await Connection.connect({ address });
  closers.push(() => connection.close());
  return new Client({ connection, interceptors: { workflow: [shortWorkflowTasks] } });
}

/**
 * Starts every workflow with a 3 s workflow task timeout (instead of 10 s): a workflow task that a
 * killed worker had taken is handed to another one sooner. Only latency changes; the workflows
 * are started by the library's own `startSyncWorkflow`.
 */
const shortWorkflowTasks: WorkflowClientInterceptor = {
  start: (input, next) =>
    next({ ...input, options: { ...input.options, workflowTaskTimeout: msToTs('3 seconds') } }),
};
