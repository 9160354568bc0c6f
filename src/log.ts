/**
 * The project's logger: levelled lines on standard error, so that standard
 * output stays free for results (tables, JSON). `FACELAB_LOG_LEVEL` sets the
 * threshold (`debug`, `info`, `warn`, `error` or `silent`; default `info`).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 100,
};

function thresholdFromEnvironment(): LogLevel {
  const value = process.env.FACELAB_LOG_LEVEL;
  if (value === undefined || value === '') return 'info';
  if (value in ORDER) return value as LogLevel;
  process.stderr.write(
    `[facelab] warn log: FACELAB_LOG_LEVEL="${value}" is not a level; ` +
      `using info (levels: ${Object.keys(ORDER).join(', ')})\n`,
  );
  return 'info';
}

let threshold: LogLevel = thresholdFromEnvironment();

/** Sets the lowest level that is written; `silent` writes nothing. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(
  level: Exclude<LogLevel, 'silent'>,
  scope: string,
  message: string,
): void {
  if (ORDER[level] < ORDER[threshold]) return;
  process.stderr.write(`[facelab] ${level} ${scope}: ${message}\n`);
}

/** A logger whose lines name the component that wrote them. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Creates a logger for one component, for example `backend` or `cli`. */
export function createLogger(scope: string): Logger {
  return {
    debug: (message) => write('debug', scope, message),
    info: (message) => write('info', scope, message),
    warn: (message) => write('warn', scope, message),
    error: (message) => write('error', scope, message),
  };
}
