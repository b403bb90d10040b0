// The output filter of `npm test` (scripts/test.mjs): what test files print besides their results.
import { Transform } from 'node:stream';

/** The Temporal dev server's start banner (TestWorkflowEnvironment lets it write to our output). */
const BANNER = [
  /^Temporal CLI \d/,
  /^Temporal (Server|UI|Persistence|Metrics|Frontend):/,
  /^(CLI|Server|UI) \d+\.\d+/,
];
/** Colour and cursor codes: noise in a log file or CI output. */
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * A line filter: drops the dev-server banners (and the blank line inside each), and when
 * `stripAnsi` removes the terminal codes. Lines pass whole, in order.
 */
export function quietOutput({ stripAnsi }) {
  let rest = '';
  let inBanner = false;
  const keep = (line) => {
    const plain = line.replace(ANSI, '');
    if (BANNER.some((pattern) => pattern.test(plain))) {
      inBanner = true;
      return undefined;
    }
    if (inBanner && plain.trim() === '') return undefined;
    inBanner = false;
    return stripAnsi ? plain : line;
  };
  return new Transform({
    transform(chunk, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      const kept = lines.map(keep).filter((line) => line !== undefined);
      done(null, kept.length > 0 ? `${kept.join('\n')}\n` : '');
    },
    flush(done) {
      const last = rest === '' ? undefined : keep(rest);
      done(null, last ?? '');
    },
  });
}
