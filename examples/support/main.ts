import { SyncStateError } from '../../src/errors';

/**
 * Runs a command's body and turns a failure into one clear line on stderr (and exit code 1)
 * instead of a stack trace; `DEBUG=1` shows the stack.
 */
export function runMain(body: () => Promise<void>, hint?: string): void {
  body().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const kind =
        error instanceof SyncStateError
          ? ''
          : ` (${error instanceof Error ? error.name : 'error'})`;
      process.stderr.write(`\nError${kind}: ${message}\n`);
      if (hint) process.stderr.write(`${hint}\n`);
      if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}

/** Reads `--name value` options; returns the value or `fallback`. */
export function numberFlag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} expects a positive whole number, got "${args[i + 1] ?? ''}"`);
  return value;
}
