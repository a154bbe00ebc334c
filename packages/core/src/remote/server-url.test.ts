import { describe, expect, it } from 'vitest';
import { isCcBridgeError } from '../errors.ts';
import { checkServerUrl, isLoopbackHost } from './server-url.ts';

function refusal(url: string, insecure = false): string {
  try {
    checkServerUrl(url, { insecure });
  } catch (error) {
    if (isCcBridgeError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('checkServerUrl', () => {
  it('takes https anywhere and plain http on loopback, without a trailing slash', () => {
    expect(checkServerUrl('https://cc.example.test/', { insecure: false })).toEqual({ base: 'https://cc.example.test', warning: null });
    expect(checkServerUrl('https://cc.example.test/bridge/', { insecure: false }).base).toBe('https://cc.example.test/bridge');
    expect(checkServerUrl('http://127.0.0.1:3000', { insecure: false })).toEqual({ base: 'http://127.0.0.1:3000', warning: null });
    expect(checkServerUrl('http://localhost:3000', { insecure: false }).warning).toBeNull();
    expect(checkServerUrl('http://[::1]:3000', { insecure: false }).warning).toBeNull();
  });

  it('refuses plain http to another host unless --insecure, and then warns that the token travels in clear', () => {
    expect(refusal('http://cc.example.test:3000')).toContain('plain http to another host would send the token in clear');
    expect(refusal('http://10.0.0.5')).toContain('--insecure');
    expect(checkServerUrl('http://cc.example.test:3000', { insecure: true })).toEqual({
      base: 'http://cc.example.test:3000',
      warning: 'http://cc.example.test:3000 is plain http: the token and every answer cross the network unencrypted (--insecure)',
    });
  });

  it('refuses what is not a server address: another scheme, credentials, a query or a fragment', () => {
    expect(refusal('ftp://cc.example.test')).toContain('must be an http:// or https:// URL');
    expect(refusal('cc.example.test')).toContain('not a URL');
    expect(refusal('https://user:secret@cc.example.test')).toContain('no user, query or fragment');
    expect(refusal('https://cc.example.test/?token=x')).toContain('no user, query or fragment');
    expect(refusal('https://cc.example.test/#x')).toContain('no user, query or fragment');
  });
});

describe('isLoopbackHost', () => {
  it('knows this machine by its names and addresses, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', 'app.localhost', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', '127.example.test', 'localhost.example.test', '[::2]', '0.0.0.0']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
