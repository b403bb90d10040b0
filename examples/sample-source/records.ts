/**
 * The record generators. Each is a pure function of (stream key, index): all randomness comes
 * from a generator seeded for that one record, and every timestamp is derived from the record's
 * own `updated_at`, so no record depends on another or on how many records the stream has.
 */
import { updatedAtMs } from './cursor';
import { formatIsoTime } from './iso-time';
import { RecordRandom } from './prng';
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, MAKES, PLACES, STREET_NAMES } from './vocabulary';

/** A user's postal address (nested, as in source-faker). */
export type UserAddress = {
  street_number: string;
  street_name: string;
  city: string;
  state: string;
  postal_code: string;
  country_code: string;
};

/** A record of the `users` stream. */
export type UserRecord = {
  id: number;
  name: string;
  email: string;
  age: number;
  address: UserAddress;
  created_at: string;
  updated_at: string;
};

/** A record of the `products` stream: a car, as in source-faker. */
export type ProductRecord = {
  id: number;
  make: string;
  model: string;
  year: number;
  price: number;
  created_at: string;
  updated_at: string;
};

/**
 * A record of the `purchases` stream. `user_id` and `product_id` are at most the purchase's own
 * id, so they refer to existing rows whenever users and products have at least as many records
 * as purchases (always so with one shared `count`), and never depend on a count.
 */
export type PurchaseRecord = {
  id: number;
  user_id: number;
  product_id: number;
  added_to_cart_at: string;
  purchased_at: string | null;
  returned_at: string | null;
  created_at: string;
  updated_at: string;
};

const SECOND = 1000;
const DAY = 86_400 * SECOND;

const iso = formatIsoTime;

/** Record `index` (1-based) of `users` for the stream key `key`. */
export function makeUser(key: number, index: number): UserRecord {
  const random = new RecordRandom(key, index);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const place = random.pick(PLACES);
  const updated = updatedAtMs(index);
  return {
    id: index,
    name: `${first} ${last}`,
    // The id makes every address unique, as a real users table would require.
    email: `${first.toLowerCase()}.${last.toLowerCase()}${index}@${random.pick(EMAIL_DOMAINS)}`,
    age: random.int(18, 90),
    address: {
      street_number: String(random.int(1, 9999)),
      street_name: random.pick(STREET_NAMES),
      city: place.city,
      state: place.state,
      postal_code: String(random.int(10000, 99999)),
      country_code: place.countryCode,
    },
    created_at: iso(updated - random.int(0, 365) * DAY - random.int(0, 86_399) * SECOND),
    updated_at: iso(updated),
  };
}

/** Record `index` (1-based) of `products` for the stream key `key`. */
export function makeProduct(key: number, index: number): ProductRecord {
  const random = new RecordRandom(key, index);
  const make = random.pick(MAKES);
  const updated = updatedAtMs(index);
  return {
    id: index,
    make: make.make,
    model: random.pick(make.models),
    year: random.int(2008, 2024),
    // Whole cents, so the price survives JSON and decimal columns exactly.
    price: random.int(8_000_00, 95_000_00) / 100,
    created_at: iso(updated - random.int(0, 730) * DAY - random.int(0, 86_399) * SECOND),
    updated_at: iso(updated),
  };
}

/** Record `index` (1-based) of `purchases` for the stream key `key`. */
export function makePurchase(key: number, index: number): PurchaseRecord {
  const random = new RecordRandom(key, index);
  const updated = updatedAtMs(index);
  // The lifecycle fits between creation and the last update: cart <= purchase <= return <= update.
  const created = updated - random.int(1, 30 * 24 * 3600) * SECOND;
  const purchased =
    random.float() < 0.8 ? created + random.int(0, (updated - created) / SECOND) * SECOND : null;
  const returned =
    purchased !== null && random.float() < 0.1
      ? purchased + random.int(0, (updated - purchased) / SECOND) * SECOND
      : null;
  return {
    id: index,
    user_id: random.int(1, index),
    product_id: random.int(1, index),
    added_to_cart_at: iso(created),
    purchased_at: purchased === null ? null : iso(purchased),
    returned_at: returned === null ? null : iso(returned),
    created_at: iso(created),
    updated_at: iso(updated),
  };
}
