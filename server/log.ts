/** Minimal leveled logger; the server never logs passwords or message payloads. */
export const LogLevel = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 } as const;
export type LogLevel = keyof typeof LogLevel;

export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  debug(message: string, details?: Record<string, unknown>): void;
}

/**
 * A logger writing one JSON object per line (`{"time","level","msg",...details}`), or a readable
 * line when `format` is `pretty` (the default in a terminal).
 */
export function createLogger(
  level: LogLevel = 'info',
  format: 'json' | 'pretty' = process.stdout.isTTY ? 'pretty' : 'json',
): Logger {
  const threshold: number = LogLevel[level];
  const write =
    (lvl: Exclude<LogLevel, 'silent'>) => (message: string, details?: Record<string, unknown>) => {
      if (LogLevel[lvl] > threshold) return;
      const line =
        format === 'json'
          ? JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...details })
          : `[rtc-elements] ${lvl}: ${message}${details ? ' ' + JSON.stringify(details) : ''}`;
      if (lvl === 'error' || lvl === 'warn') console.error(line);
      else console.log(line);
    };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

export function parseLogLevel(value: string | undefined): LogLevel {
  return value && Object.hasOwn(LogLevel, value) ? (value as LogLevel) : 'info';
}
