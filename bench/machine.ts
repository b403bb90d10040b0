import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem, release, type } from 'node:os';

/** The machine a run happened on; load averages tell how busy it was. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** `git describe`-like id of the tree measured (with `-dirty` for uncommitted changes). */
  readonly commit: string;
}

/** The 1, 5 and 15 minute load averages, as `os.loadavg()` gives them. */
export type LoadAverage = readonly [number, number, number];

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    freeMemoryGiB: freemem() / 2 ** 30,
    os: `${type()} ${release()}`,
    node: process.version,
    commit: gitCommit(),
  };
}

/** The load average now. */
export function loadAverage(): LoadAverage {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return [one, five, fifteen];
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
