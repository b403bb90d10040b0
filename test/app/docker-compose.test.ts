import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from '../../examples/support/worker-process';
import {
  appSettingsFromEnv,
  checkMetricsAddress,
  DEFAULT_TASK_QUEUE,
} from '../../examples/support/settings';
import { SYNC_METRICS } from '../../src/metrics/metric-names';

/**
 * No Docker engine runs on our machines, so the compose file is checked against the code: the
 * services and health checks it must have, and an environment that the worker's own settings
 * reader turns into the right database, Temporal server and task queue.
 */
const root = join(__dirname, '..', '..');
interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  command?: string[];
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  test('has PostgreSQL, a Temporal server with its own PostgreSQL, the UI, the worker, Prometheus and Grafana, each with a health check', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'grafana',
      'postgres',
      'prometheus',
      'temporal',
      'temporal-postgresql',
      'temporal-ui',
      'worker',
    ]);
    for (const [name, service] of Object.entries(services))
      assert.ok(service.healthcheck?.test.length, `${name} has a health check`);
    assert.equal(
      services.temporal?.environment?.POSTGRES_SEEDS,
      'temporal-postgresql',
      'Temporal persists in its own database',
    );
    assert.deepEqual(services.worker?.depends_on, {
      postgres: { condition: 'service_healthy' },
      temporal: { condition: 'service_healthy' },
    });
  });

  test("the worker's environment reads as the compose services' database, Temporal address and task queue", () => {
    const env = services.worker?.environment ?? {};
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env);
      const settings = appSettingsFromEnv();
      const db = new URL(settings.databaseUrl ?? '');
      const pg = services.postgres?.environment ?? {};
      assert.equal(db.hostname, 'postgres');
      assert.equal(db.port, '5432');
      assert.deepEqual(
        [db.username, db.password, db.pathname.slice(1)],
        [pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB],
      );
      assert.equal(settings.temporal.address, 'temporal:7233');
      assert.equal(settings.temporal.namespace, 'default');
      assert.equal(settings.taskQueue, DEFAULT_TASK_QUEUE);
    } finally {
      process.env = saved;
    }
  });

  test('publishes the ports the README names: PostgreSQL 5432, Temporal 7233, UI 8080', () => {
    assert.deepEqual(services.postgres?.ports, ['5432:5432']);
    assert.deepEqual(services.temporal?.ports, ['7233:7233']);
    assert.deepEqual(services['temporal-ui']?.ports, ['8080:8080']);
    assert.equal(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
  });

  test('the worker image runs the built worker entry and writes the file its health check looks for', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /CMD \["node", "build\/examples\/worker\.js"\]/);
    assert.ok(
      existsSync(join(root, 'examples', 'worker.ts')),
      'examples/worker.ts is built to build/examples/worker.js',
    );
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.examples.json'), 'utf8')) as {
      include: string[];
      compilerOptions: { outDir: string };
    };
    assert.ok(build.include.includes('examples'));
    assert.equal(build.compilerOptions.outDir, 'build');
    assert.match(dockerfile, /RUN npm run build:examples/);
    assert.equal(services.worker?.environment?.WORKER_READY_FILE, '/tmp/worker-ready');
    assert.deepEqual(services.worker?.healthcheck?.test, [
      'CMD',
      'test',
      '-f',
      '/tmp/worker-ready',
    ]);
    assert.match(readFileSync(join(root, 'examples', 'worker.ts'), 'utf8'), /WORKER_READY_FILE/);
  });

  test('the worker image runs a prebuilt workflow bundle with the worker process settings', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const env = new Map(
      [...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_]+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1], m[2]]),
    );
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV))
      assert.equal(env.get(name), value, name);
    assert.equal(env.get('NODE_OPTIONS'), WORKER_NODE_OPTIONS.join(' '));
    const bundle = env.get('SYNC_WORKFLOW_BUNDLE');
    assert.ok(bundle?.startsWith('/app/'), 'the bundle is in the image');
    assert.ok(
      dockerfile.includes(
        `node build/examples/bundle-workflows.js ${bundle?.slice('/app/'.length)}`,
      ),
      'the image builds the bundle the worker loads',
    );
  });

  test('Prometheus scrapes the worker at the address the worker serves its metrics on', () => {
    const address = checkMetricsAddress(
      services.worker?.environment?.SYNC_METRICS_ADDRESS ?? '',
      'SYNC_METRICS_ADDRESS',
    );
    assert.equal(address, '0.0.0.0:9464', 'every interface of the container, not 127.0.0.1');
    const config = parse(
      readFileSync(mounted('prometheus', '/etc/prometheus/prometheus.yml'), 'utf8'),
    ) as {
      scrape_configs: { metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const [job] = config.scrape_configs;
    assert.equal(job?.metrics_path ?? '/metrics', '/metrics');
    assert.deepEqual(job?.static_configs[0]?.targets, [`worker:${address?.split(':')[1]}`]);
    assert.deepEqual(services.prometheus?.ports, ['9090:9090']);
  });

  test("Grafana provisions the Prometheus data source and a dashboard whose queries name the worker's metrics", () => {
    const provisioning = mounted('grafana', '/etc/grafana/provisioning');
    const datasources = parse(
      readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; type: string; url: string }[] };
    const [source] = datasources.datasources;
    assert.equal(source?.type, 'prometheus');
    assert.equal(source?.url, 'http://prometheus:9090');
    const providers = parse(
      readFileSync(join(provisioning, 'dashboards', 'dashboards.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    const dashboards = mounted('grafana', providers.providers[0]?.options.path ?? '');
    const dashboard = JSON.parse(
      readFileSync(join(dashboards, 'temporal-sync-state.json'), 'utf8'),
    ) as { uid: string; panels: { datasource: { uid: string }; targets: { expr: string }[] }[] };
    assert.ok(dashboard.panels.length >= 5);
    const exprs = dashboard.panels.flatMap((panel) => {
      assert.equal(
        panel.datasource.uid,
        source?.uid,
        'each panel uses the provisioned data source',
      );
      return panel.targets.map((t) => t.expr);
    });
    const ours = new Set(SYNC_METRICS.map((m) => m.name));
    for (const expr of exprs)
      for (const [name] of expr.matchAll(/\bsync_state_[a-z_]+/g))
        assert.ok(
          ours.has(name) || ours.has(name.replace(/_(bucket|sum|count)$/, '')),
          `${name} in "${expr}" is one of SYNC_METRICS`,
        );
    for (const metric of SYNC_METRICS)
      assert.ok(
        exprs.some((e) => e.includes(metric.name)),
        `the dashboard shows ${metric.name}`,
      );
    assert.deepEqual(services.grafana?.ports, ['3000:3000']);
  });
});

/** The file or folder of the repository that a service mounts at `target`. */
function mounted(service: string, target: string): string {
  const volume = services[service]?.volumes?.find((v) => v.split(':')[1] === target);
  assert.ok(volume, `${service} mounts ${target}`);
  const source = join(root, volume.split(':')[0] ?? '');
  assert.ok(existsSync(source), `${source} exists`);
  return source;
}
