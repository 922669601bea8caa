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
});
