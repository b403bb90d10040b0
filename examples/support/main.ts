import { errorLine, EXIT, exitCodeOf } from '../../src/cli/errors';

/**
 * Runs an entry's body and exits with its code (default 0). A failure becomes one line on
 * stderr, `error: …`, as the CLI prints it, with the CLI's exit codes: 2 for bad usage or
 * settings (nothing ran), 1 for a failure; `hint()` (e.g. where the log is) follows a failure
 * only. `DEBUG=1` adds the stack.
 */
export function runMain(
  body: () => Promise<number | void>,
  hint?: string | (() => string | undefined),
): void {
  body().then(
    (code) => process.exit(code ?? process.exitCode ?? EXIT.ok),
    (error: unknown) => {
      const code = exitCodeOf(error);
      process.stderr.write(`${errorLine(error)}\n`);
      const more = typeof hint === 'function' ? hint() : hint;
      if (more && code === EXIT.failure) process.stderr.write(`${more}\n`);
      if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exit(code);
    },
  );
}
