import { ConfigError, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', DEMO: false });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads numbers and flags', () => {
    expect(loadConfig({ PORT: '8080', DEMO: '1', MAX_UPDATE_BYTES: '2048' })).toMatchObject({ PORT: 8080, DEMO: true, MAX_UPDATE_BYTES: 2048 });
  });

  it('names the key that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it('reads ALLOWED_ORIGINS as a list of origins, and refuses anything else', () => {
    expect(loadConfig({}).ALLOWED_ORIGINS).toEqual([]);
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://board.example.org, http://localhost:5173/' }).ALLOWED_ORIGINS).toEqual([
      'https://board.example.org',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://board.example.org/path' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'board.example.org' })).toThrow(/ALLOWED_ORIGINS/);
  });

  it('gives the sign-in limits their defaults', () => {
    expect(loadConfig({})).toMatchObject({
      LOGIN_MAX_FAILURES: 5,
      LOGIN_FAILURE_WINDOW_MINUTES: 15,
      LOGIN_LOCKOUT_MINUTES: 15,
      LOGIN_IP_MAX_FAILURES: 20,
      LOGIN_IP_WINDOW_MINUTES: 10,
    });
  });
});
