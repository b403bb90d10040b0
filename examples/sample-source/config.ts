/**
 * The connector config (what `--config FILE` holds) and its JSON schema, the `spec`. Defaults
 * are filled in here once, so readers never see a half-specified config.
 */
import type { JsonObject } from '../../src/protocol';
import { MAX_RECORD_COUNT } from './cursor';
import { SAMPLE_STREAM_NAMES, type SampleStreamName } from './streams';
import {
  expectCount,
  expectInteger,
  expectObject,
  expectSeed,
  rejectUnknownKeys,
} from './validate';

/** The config as a user writes it; every field is optional. */
export interface SampleSourceConfig {
  /** Records of each stream (records 1..count exist). Default {@link DEFAULT_COUNT}. */
  readonly count?: number;
  /** Per-stream counts that override `count`, e.g. `{ "purchases": 5000 }`. */
  readonly stream_counts?: { readonly [name in SampleStreamName]?: number };
  /** Seed of the data; the same seed always gives the same records. Default 0. */
  readonly seed?: number;
  /** Records between two STATE messages (the state checkpoint interval). Default {@link DEFAULT_RECORDS_PER_BATCH}. */
  readonly records_per_batch?: number;
}

/** A validated config with every default applied. */
export interface ResolvedSampleSourceConfig {
  readonly seed: number;
  readonly counts: { readonly [name in SampleStreamName]: number };
  readonly recordsPerBatch: number;
}

/** Records per stream when the config gives no count; as source-faker's default. */
export const DEFAULT_COUNT = 1000;
/** The state checkpoint interval when the config gives none; as the Airbyte CDK's usual one. */
export const DEFAULT_RECORDS_PER_BATCH = 1000;
/** Largest checkpoint interval; beyond it a crash loses too much progress to be a useful sample. */
const MAX_RECORDS_PER_BATCH = 1_000_000;

const KEYS = ['count', 'stream_counts', 'seed', 'records_per_batch'] as const;

/** Validates a config and applies defaults; throws {@link InvalidInputError} naming the bad field. */
export function resolveConfig(config: unknown): ResolvedSampleSourceConfig {
  const value = expectObject(config, 'config');
  rejectUnknownKeys(value, KEYS, 'config');
  const count =
    value.count === undefined ? DEFAULT_COUNT : expectCount(value.count, 'config.count');
  const overrides =
    value.stream_counts === undefined
      ? {}
      : expectObject(value.stream_counts, 'config.stream_counts');
  rejectUnknownKeys(overrides, SAMPLE_STREAM_NAMES, 'config.stream_counts');
  const countOf = (name: SampleStreamName): number =>
    overrides[name] === undefined
      ? count
      : expectCount(overrides[name], `config.stream_counts.${name}`);
  return {
    seed: value.seed === undefined ? 0 : expectSeed(value.seed, 'config.seed'),
    counts: {
      users: countOf('users'),
      products: countOf('products'),
      purchases: countOf('purchases'),
    },
    recordsPerBatch:
      value.records_per_batch === undefined
        ? DEFAULT_RECORDS_PER_BATCH
        : expectInteger(
            value.records_per_batch,
            'config.records_per_batch',
            1,
            MAX_RECORDS_PER_BATCH,
          ),
  };
}

/** An Airbyte ConnectorSpecification, the payload of a SPEC message. */
export interface ConnectorSpecification {
  documentationUrl?: string;
  connectionSpecification: JsonObject;
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: string[];
  [extra: string]: unknown;
}

/** The connector's specification: the JSON schema of {@link SampleSourceConfig}. */
export function spec(): ConnectorSpecification {
  const count: JsonObject = { type: 'integer', minimum: 0, maximum: MAX_RECORD_COUNT };
  return {
    supportsIncremental: true,
    connectionSpecification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Sample Source Spec',
      type: 'object',
      required: [],
      additionalProperties: false,
      properties: {
        count: {
          ...count,
          title: 'Count',
          default: DEFAULT_COUNT,
          description: 'Records of each stream.',
          order: 0,
        },
        seed: {
          type: 'integer',
          title: 'Seed',
          default: 0,
          description: 'Seed of the data: the same seed always gives the same records.',
          order: 1,
        },
        records_per_batch: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_RECORDS_PER_BATCH,
          title: 'Records per batch',
          default: DEFAULT_RECORDS_PER_BATCH,
          description: 'Records between two STATE messages (the state checkpoint interval).',
          order: 2,
        },
        stream_counts: {
          type: 'object',
          title: 'Per-stream counts',
          description: 'Counts that override `count` for some streams.',
          additionalProperties: false,
          properties: Object.fromEntries(SAMPLE_STREAM_NAMES.map((name) => [name, count])),
          order: 3,
        },
      },
    },
  };
}
