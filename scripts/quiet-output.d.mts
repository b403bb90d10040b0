import type { Transform } from 'node:stream';

/** The line filter of `npm test`'s output (see quiet-output.mjs). */
export function quietOutput(options: { readonly stripAnsi: boolean }): Transform;
