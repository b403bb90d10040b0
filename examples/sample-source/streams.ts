/**
 * The stream registry: one place that maps a stream name to its generator and schema, so the
 * batch reader, the message reader and `discover` cannot disagree about which streams exist.
 */
import { describeValue, InvalidInputError } from '../../src/errors';
import type { JsonObject } from '../../src/protocol';
import {
  makeProduct,
  makePurchase,
  makeUser,
  type ProductRecord,
  type PurchaseRecord,
  type UserRecord,
} from './records';
import { PRODUCTS_SCHEMA, PURCHASES_SCHEMA, USERS_SCHEMA } from './schemas';

/** The streams of the sample source, in the order `discover` lists and `read` reads them. */
export const SAMPLE_STREAM_NAMES = ['users', 'products', 'purchases'] as const;

/** The name of one sample stream. */
export type SampleStreamName = (typeof SAMPLE_STREAM_NAMES)[number];

/** Any record of any sample stream. */
export type SampleRecord = UserRecord | ProductRecord | PurchaseRecord;

/** What the source knows about one stream. */
export interface SampleStreamDefinition {
  readonly name: SampleStreamName;
  readonly schema: JsonObject;
  /** Makes record `index` (1-based) from the stream key of (seed, stream). */
  readonly make: (key: number, index: number) => SampleRecord;
}

/** The definitions of all sample streams, by name. */
export const SAMPLE_STREAMS: { readonly [name in SampleStreamName]: SampleStreamDefinition } = {
  users: { name: 'users', schema: USERS_SCHEMA, make: makeUser },
  products: { name: 'products', schema: PRODUCTS_SCHEMA, make: makeProduct },
  purchases: { name: 'purchases', schema: PURCHASES_SCHEMA, make: makePurchase },
};

/** True when `value` names a sample stream. */
export function isSampleStreamName(value: unknown): value is SampleStreamName {
  return typeof value === 'string' && (SAMPLE_STREAM_NAMES as readonly string[]).includes(value);
}

/** Returns `value` as a stream name, or throws {@link InvalidInputError} naming `option`. */
export function expectStreamName(value: unknown, option: string): SampleStreamName {
  if (!isSampleStreamName(value)) {
    throw new InvalidInputError(
      option,
      `one of ${SAMPLE_STREAM_NAMES.map((n) => `"${n}"`).join(', ')}`,
      describeValue(value),
    );
  }
  return value;
}
