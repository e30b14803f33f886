/**
 * What a middleware does around its verifies rather than in them: at creation, it checks the
 * permission, action and resource type it will ask about against Keyward's model (a typo fails
 * at start with the name most likely meant, not as a 500 on every request); and while Keyward
 * cannot be reached, it says so once in the log (and once when it answers again), besides the
 * `onUnavailable` hook each refused request tells.
 */
import { KeywardRequestError, type ModelNames, type Verifier } from '../client/index.js';

/** Where a middleware writes its few lines; `console` by default, `false` for none (Fastify's `app.log` fits). */
export interface KeywardLogger {
  warn(message: string): void;
  error(message: string): void;
  info?(message: string): void;
}

const SILENT: KeywardLogger = { warn: () => undefined, error: () => undefined };

export function loggerOf(option: KeywardLogger | false | undefined): KeywardLogger {
  return option === false ? SILENT : (option ?? console);
}

/** A middleware's options name something Keyward's model does not know (a typo, usually). */
export class KeywardConfigError extends Error {
  override readonly name = 'KeywardConfigError';
  constructor(
    message: string,
    /** Keyward's refusal of the name, as it answered it. */
    override readonly cause: KeywardRequestError,
  ) {
    super(message, { cause });
  }
}

export interface NameCheck {
  /** Resolves once the names are known good (or could not be checked: logged); rejects naming a typo. */
  readonly ready: Promise<void>;
  /** The typo found, once found: every request then goes to the framework's error handling with it. */
  failure(): KeywardConfigError | undefined;
}

/** Starts the check of `names` at once (only where the verifier can check and there is a name to check). */
export function checkNamesAtStart(verifier: Verifier, names: ModelNames, logger: KeywardLogger): NameCheck {
  let found: KeywardConfigError | undefined;
  const given = names.permission !== undefined || names.action !== undefined || names.type !== undefined;
  const check = verifier.checkNames;
  const ready =
    check === undefined || !given
      ? Promise.resolve()
      : check.call(verifier, names).catch((error: unknown) => {
          if (!(error instanceof KeywardRequestError)) {
            logger.warn(
              `keyward middleware: its names were not checked at start, Keyward did not answer (${error instanceof Error ? error.message : String(error)})`,
            );
            return;
          }
          found = new KeywardConfigError(`keyward middleware options: ${error.problem.detail ?? error.message}`, error);
          logger.error(found.message);
          throw found;
        });
  // Awaiting `ready` is how a service stops its start on a typo; unawaited, the log line says it.
  ready.catch(() => undefined);
  return { ready, failure: () => found };
}

/** One line when Keyward stops answering, one when it answers again: not one per refused request. */
export function reachabilityLog(logger: KeywardLogger): { failed(error: unknown): void; answered(): void } {
  let down = false;
  return {
    failed(error) {
      if (down) return;
      down = true;
      logger.warn(
        `keyward middleware: Keyward cannot be reached (${error instanceof Error ? error.message : String(error)}); requests are refused with 503 until it answers`,
      );
    },
    answered() {
      if (!down) return;
      down = false;
      (logger.info ?? logger.warn).call(logger, 'keyward middleware: Keyward answers again');
    },
  };
}
