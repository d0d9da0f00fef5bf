import pino, { type Logger } from "pino";
import { env } from "./env";

let instance: Logger | undefined;

function createLogger(): Logger {
  return pino({
    level: env.HERALD_LOG_LEVEL,
    // Secrets never reach logs: these keys are censored wherever they appear.
    redact: {
      paths: [
        "secret",
        "*.secret",
        "token",
        "*.token",
        "password",
        "*.password",
        "authorization",
        "*.authorization",
        "*.headers",
      ],
      censor: "[redacted]",
    },
    // node-postgres puts the whole connection on its errors: kilobytes of client state per line.
    serializers: {
      err: (error: Error) => ({ ...pino.stdSerializers.err(error), client: undefined }),
    },
  });
}

/**
 * Created on first use so importing it never validates the environment (e.g. during next build).
 */
export const logger: Logger = new Proxy({} as Logger, {
  get: (_target, property) => {
    instance ??= createLogger();
    const value = instance[property as keyof Logger];
    return typeof value === "function" ? value.bind(instance) : value;
  },
});
