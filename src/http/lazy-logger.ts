/**
 * A request's logger made when the request first logs (issue 27). Fastify gives every request a
 * pino child bound to its request id: a new logger object and its bindings serialised to JSON,
 * on every verify, though a verify that goes well never logs. Verify's route takes this factory
 * instead: the child is made on the first line written, with the same bindings and options, so
 * any line it does write is the line it wrote before.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

function write(logger: FastifyBaseLogger, level: Level, args: unknown[]): void {
  (logger[level] as (...args: unknown[]) => void).apply(logger, args);
}

class LazyChild {
  #made: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get #logger(): FastifyBaseLogger {
    if (this.#made === undefined) this.#made = this.#parent.child(this.#bindings, this.#options);
    return this.#made;
  }

  get level(): string {
    return this.#made?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#logger.level = level;
  }

  // Methods on the prototype, not arrow fields: a field would be a closure per request.
  fatal(...args: unknown[]): void {
    write(this.#logger, 'fatal', args);
  }
  error(...args: unknown[]): void {
    write(this.#logger, 'error', args);
  }
  warn(...args: unknown[]): void {
    write(this.#logger, 'warn', args);
  }
  info(...args: unknown[]): void {
    write(this.#logger, 'info', args);
  }
  debug(...args: unknown[]): void {
    write(this.#logger, 'debug', args);
  }
  trace(...args: unknown[]): void {
    write(this.#logger, 'trace', args);
  }
  silent(...args: unknown[]): void {
    write(this.#logger, 'silent', args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`, for a route whose requests seldom log. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  // Its methods are those of a logger, taking what pino's take; TypeScript cannot see LogFn's overloads in them.
  return new LazyChild(logger, bindings, options) as unknown as FastifyBaseLogger;
}
