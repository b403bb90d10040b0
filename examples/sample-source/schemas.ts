/**
 * JSON schemas of the three streams, as `discover` reports them. They follow Airbyte's habit of
 * `["null", T]` types for optional columns, and mark timestamps `format: date-time` with
 * `airbyte_type: timestamp_with_timezone` so destinations type the cursor column correctly.
 */
import type { JsonObject } from '../../src/protocol';

const integer: JsonObject = { type: 'integer' };
const string: JsonObject = { type: 'string' };
const timestamp: JsonObject = {
  type: 'string',
  format: 'date-time',
  airbyte_type: 'timestamp_with_timezone',
};
const nullableTimestamp: JsonObject = { ...timestamp, type: ['null', 'string'] };

function objectSchema(properties: JsonObject): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
}

/** Schema of a `users` record. */
export const USERS_SCHEMA: JsonObject = objectSchema({
  id: integer,
  name: string,
  email: string,
  age: integer,
  address: {
    type: 'object',
    additionalProperties: false,
    required: ['street_number', 'street_name', 'city', 'state', 'postal_code', 'country_code'],
    properties: {
      street_number: string,
      street_name: string,
      city: string,
      state: string,
      postal_code: string,
      country_code: string,
    },
  },
  created_at: timestamp,
  updated_at: timestamp,
});

/** Schema of a `products` record. */
export const PRODUCTS_SCHEMA: JsonObject = objectSchema({
  id: integer,
  make: string,
  model: string,
  year: integer,
  price: { type: 'number' },
  created_at: timestamp,
  updated_at: timestamp,
});

/** Schema of a `purchases` record. */
export const PURCHASES_SCHEMA: JsonObject = objectSchema({
  id: integer,
  user_id: integer,
  product_id: integer,
  added_to_cart_at: timestamp,
  purchased_at: nullableTimestamp,
  returned_at: nullableTimestamp,
  created_at: timestamp,
  updated_at: timestamp,
});
