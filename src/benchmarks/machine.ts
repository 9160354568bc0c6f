/** Description of the machine and run that produced a benchmark. */
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine, the software and the time of a benchmark run. */
export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  /** Load averages over 1, 5 and 15 minutes at the start, from `os.loadavg()`. */
  readonly loadAverage: readonly number[];
  readonly date: string;
}

/** Describes this machine now. */
export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    date: new Date().toISOString(),
  };
}
