/**
 * The statement runner the backend's public methods accept (`em` options): MikroORM's
 * EntityManager satisfies it, so your own transaction can carry our reads and writes.
 */
export type { SqlExecutor } from './sql/executor';
