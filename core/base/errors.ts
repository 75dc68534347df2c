/** A config that failed validation; `message` names each bad field, its value and what is valid. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid config:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
