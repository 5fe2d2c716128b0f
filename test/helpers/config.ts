/** The message of the ConfigError that `env` makes `loadConfig` throw (fails if it does not). */
import { ConfigError, loadConfig } from '../../src/config';

export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
