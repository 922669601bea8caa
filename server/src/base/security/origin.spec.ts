import type { IncomingMessage } from 'node:http';
import { isSameSiteRequest, ownOrigin } from './origin';

function request(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

const policy = { trustProxy: false, allowedOrigins: ['https://board.example.org'] };

describe(ownOrigin.name, () => {
  it('is the Host over the connection scheme', () => {
    expect(ownOrigin(request({ host: '127.0.0.1:3000' }), false)).toBe('http://127.0.0.1:3000');
    expect(ownOrigin(request({ host: 'board.example.org:443' }, true), false)).toBe('https://board.example.org');
  });

  it('takes X-Forwarded-Host and -Proto only behind a trusted proxy', () => {
    const proxied = request({
      host: 'app:3000',
      'x-forwarded-host': 'board.example.org',
      'x-forwarded-proto': 'https, http',
    });
    expect(ownOrigin(proxied, true)).toBe('https://board.example.org');
    expect(ownOrigin(proxied, false)).toBe('http://app:3000');
  });

  it('is null without a usable Host', () => {
    expect(ownOrigin(request({}), false)).toBeNull();
    expect(ownOrigin(request({ host: 'bad host' }), false)).toBeNull();
  });
});

describe(isSameSiteRequest.name, () => {
  it('passes the site itself and the allowed origins', () => {
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }), policy)).toBe(true);
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'https://board.example.org' }), policy)).toBe(
      true,
    );
  });

  it('refuses another origin, another scheme or port, and the null origin', () => {
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'https://evil.example' }), policy)).toBe(false);
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'https://127.0.0.1:3000' }), policy)).toBe(
      false,
    );
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3001' }), policy)).toBe(false);
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', origin: 'null' }), policy)).toBe(false);
  });

  it('passes a request without Origin unless Sec-Fetch-Site says cross-site', () => {
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000' }), policy)).toBe(true);
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }), policy)).toBe(true);
    expect(isSameSiteRequest(request({ host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' }), policy)).toBe(false);
  });
});
