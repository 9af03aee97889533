import { describe, expect, it } from 'vitest';
import { loadServeConfig, ConfigError } from '../src/config.js';

describe('config', () => {
  it('names each missing variable and how to set it', () => {
    let caught: unknown;
    try {
      loadServeConfig({});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('SLACK_BOT_TOKEN is not set');
    expect(message).toContain('SLACK_SIGNING_SECRET is not set');
  });
});
