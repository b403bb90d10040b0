/**
 * How a worker process should start on Linux: the Dockerfile sets these, and the benchmark starts
 * its memory worker with them. Both take effect only at process start (glibc reads its variables
 * when it initialises, V8 sizes its heaps when it starts), so a running process cannot apply them
 * to itself. Measured over a sync of 200,000 records in batches of 1,000 (compiled worker, same
 * machine): peak RSS 356 MB with neither, 303 MB with the first only, 255-263 MB with both, at
 * the same throughput.
 */

/**
 * glibc serves an allocation of 128 KiB or more with its own mmap, but raises that threshold
 * each time such a block is freed (up to 32 MiB). The batch payloads that pass between Temporal
 * Core and JavaScript (~300 KB per 1,000 records) then come from the main heap, which fragments
 * and does not shrink: 93 MB of `[heap]` in the measured worker, ~10 MB with the threshold fixed.
 */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/**
 * V8's young generation grows to 16 MiB semi-spaces in each isolate (the main thread and the
 * workflow thread). Batches allocate short-lived objects fast enough to keep them full; 2 MiB
 * semi-spaces cost more minor GCs, which measured no throughput change, and ~40-60 MB less RSS.
 */
export const WORKER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2'];
