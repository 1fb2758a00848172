import type { Redis } from 'ioredis';
import { startRedisSpan } from './tracing.js';

type Command = Parameters<Redis['sendCommand']>[0];

/**
 * A span per command on this connection, from the one method every command
 * (cache reads, journal scripts, health pings) goes through. Installed only
 * while tracing runs: @opentelemetry/instrumentation-ioredis patches the same
 * method, but needs a module loader hook (`--import`) for ESM, which would be
 * loaded whether tracing is on or not.
 */
export function traceRedisCommands(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  // A command queued while offline is sent again once connected: one span.
  const traced = new WeakSet<Command>();
  redis.sendCommand = (command, ...rest) => {
    if (!traced.has(command)) {
      traced.add(command);
      const end = startRedisSpan(command.name);
      if (end !== undefined) {
        command.promise.then(
          () => end(false),
          () => end(true),
        );
      }
    }
    return send(command, ...rest);
  };
}
