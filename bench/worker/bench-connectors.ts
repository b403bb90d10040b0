/** The Airbyte connectors the benchmark worker may run (its allowlist), from the project's venvs. */
import { join, resolve } from 'node:path';
import type { ConnectorSpec, LocalConnectorSpec } from '../../src/connectors/connector-spec';

const ROOT = join(__dirname, '..', '..');

/**
 * airbyte-source-hardcoded-records 0.0.48 (`bash scripts/setup-connectors.sh
 * source-hardcoded-records`): the same record `count` times per stream, as fast as Python prints.
 */
export const HARDCODED_RECORDS: LocalConnectorSpec & { readonly name: string } = {
  name: 'source-hardcoded-records',
  executable: resolve(
    ROOT,
    process.env.CONNECTORS_VENV ?? '.venv-connectors', // where setup-connectors.sh installs them
    'source-hardcoded-records',
    'bin',
    'source-hardcoded-records',
  ),
};

/** What the benchmark worker allows. */
export const BENCH_CONNECTORS: readonly ConnectorSpec[] = [HARDCODED_RECORDS];
