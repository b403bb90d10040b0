import { MikroORM } from '@mikro-orm/postgresql';
import { syncStateEntities } from '../entities';
import { describeValue, InvalidInputError } from '../errors';
import { connectionSettings } from './connection-settings';
import { checkSchema, type ConnectOptions, DEFAULT_SCHEMA } from './options';

/**
 * Checks the connection options of `SqlStateBackend.connect` and opens a MikroORM instance (and
 * its pool) on the state entities, in the schema the options name.
 */
export async function openStateOrm(
  options: ConnectOptions,
): Promise<{ orm: MikroORM; schema: string }> {
  if (typeof options?.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) {
    throw new InvalidInputError(
      'url',
      'a postgres:// or postgresql:// URL',
      options?.url === undefined ? 'nothing' : 'another value',
    );
  }
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const poolSize = options.poolSize ?? 10;
  // Migrations hold a transaction (and its lock) while MikroORM's migrator checks its table on
  // a second connection: one connection would wait for itself.
  if (!Number.isInteger(poolSize) || poolSize < 2) {
    throw new InvalidInputError(
      'poolSize',
      'a whole number of at least 2',
      describeValue(poolSize),
    );
  }
  const settings = connectionSettings(options.timeouts);
  const orm = await MikroORM.init({
    clientUrl: options.url,
    schema,
    entities: [...syncStateEntities],
    pool: { min: 0, max: poolSize, afterCreate: settings.afterCreate },
    driverOptions: { connection: settings.connection },
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
  });
  return { orm, schema };
}
