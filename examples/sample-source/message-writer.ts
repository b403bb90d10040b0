/**
 * Writes protocol messages as JSON lines to a stream, honouring backpressure. Lines are
 * gathered into chunks (one `write` per record would cost more than making the record), and a
 * full stream is waited on before more is made, so a slow reader cannot make the source buffer
 * an unbounded amount in memory.
 */
import type { Writable } from 'node:stream';

/** Chunk size: large enough to amortise a write, small enough to keep latency low. */
const CHUNK_BYTES = 64 * 1024;

/** Buffers JSON lines and writes them out in chunks, waiting when the stream is full. */
export class MessageWriter {
  private chunk = '';
  private broken: Error | undefined;

  /** Writes to `out`, whose errors (such as EPIPE when the reader went away) it records instead of crashing. */
  constructor(private readonly out: Writable) {
    out.on('error', (error: Error) => {
      this.broken ??= error;
    });
  }

  /** The stream's write error, if any; once set, nothing more is written. */
  get error(): Error | undefined {
    return this.broken;
  }

  /**
   * Queues one message as a line. Returns a promise only when the chunk was flushed into a
   * full stream, so the hot path of a read stays free of awaits.
   */
  write(message: unknown): Promise<void> | undefined {
    this.chunk += `${JSON.stringify(message)}\n`;
    return this.chunk.length >= CHUNK_BYTES ? this.flush() : undefined;
  }

  /** Writes out what is queued and resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.chunk === '' || this.broken) return;
    const chunk = this.chunk;
    this.chunk = '';
    if (!this.out.write(chunk)) await this.drained();
  }

  /** Resolves on 'drain', or on 'error' or 'close', so that a reader that went away cannot hang us. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.out.off('drain', done).off('error', done).off('close', done);
        resolve();
      };
      this.out.on('drain', done).on('error', done).on('close', done);
    });
  }
}
