import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/graphql/project-root.js';
import { readExampleOperation } from './federation/example-operations.js';
import { startTestStack } from './helpers/app.js';
import { usePerSuite } from './helpers/per-suite.js';
import { startRecordingProxy } from './helpers/recording-proxy.js';

/**
 * Debian's chromium, headless, loads test/browser/index.html from a loopback
 * origin of its own; the page's Apollo Client (the generated possibleTypes and
 * typePolicies, development build) calls the subgraph cross-origin through a
 * recording proxy, so the test sees the preflight on the wire. chromium is a
 * separate process the loopback guard cannot watch: its flags keep it from
 * calling anything outside loopback.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PAGE_FOLDER = join(projectRoot(), 'test', 'browser');

/**
 * The page's script with Apollo Client bundled in, its development build
 * (warnings on), and the mobile-lines example operation it runs.
 */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(PAGE_FOLDER, 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['development'],
    define: {
      MOBILE_LINES_OPERATION: JSON.stringify(readExampleOperation('mobile-lines').document),
    },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the page and its script on a free loopback port: an origin of its own. */
async function servePage(script: string): Promise<PageServer> {
  const html = readFileSync(join(PAGE_FOLDER, 'index.html'), 'utf8');
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    if (path === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else if (path === '/page.js')
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('a browser page on another origin, with Apollo Client and the generated artifacts', () => {
  /** The page from two origins: one CORS_ORIGINS lists, one it does not. */
  const pages = usePerSuite('the page servers', async () => {
    const script = await bundlePage();
    const [allowed, other] = await Promise.all([servePage(script), servePage(script)]);
    return {
      allowed,
      other,
      close: async () => {
        await Promise.all([allowed.close(), other.close()]);
      },
    };
  });
  // The allowed origin's port is known once its server listens: hence not useTestStack(env).
  const stack = usePerSuite('the test stack', () =>
    startTestStack({ CORS_ORIGINS: pages.allowed.origin }),
  );
  const proxy = usePerSuite('the recording proxy', () => startRecordingProxy(stack.app.url));
  const browser = usePerSuite('the browser', () =>
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  );

  /** Opens the page from `origin` and waits for it to finish; returns what it shows and logs. */
  async function openPage(origin: string) {
    const page = await browser.newPage();
    const logged: string[] = [];
    page.on('console', (message) => logged.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
    try {
      await page.goto(`${origin}/?graphql=${encodeURIComponent(`${proxy.url}/graphql`)}`);
      await page.waitForSelector('body[data-state]', { state: 'attached', timeout: 10_000 });
      return {
        state: await page.getAttribute('body', 'data-state'),
        line: await page.textContent('#line'),
        error: await page.textContent('#error'),
        logged,
      };
    } finally {
      await page.close();
    }
  }

  it('passes the preflight, shows the line with its own prices and renders a typed error', async () => {
    proxy.recorded.length = 0;
    const shown = await openPage(pages.allowed.origin);
    expect(shown).toEqual({
      state: 'done',
      line: 'Liberty U-Pick Mobile Plus; PR_B2C_Liberty_Home_Roadside_Assistance 7.99; PR_B2C_Mobile_IntRmg_Voice 0.00; PR_B2C_Mobile_Pospaid_International_Calling_Voice 15.00',
      error: 'LINE_NOT_FOUND: dxp-ux has no line with this number in this business unit.',
      logged: [],
    });
    const preflights = proxy.recorded.filter((request) => request.method === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    expect(preflights[0]?.headers['origin']).toBe(pages.allowed.origin);
    expect(preflights[0]?.headers['access-control-request-method']).toBe('POST');
    expect(proxy.recorded.filter((request) => request.method === 'POST')).toHaveLength(2);
  });

  it('is refused by the browser from an origin CORS_ORIGINS does not list', async () => {
    proxy.recorded.length = 0;
    const shown = await openPage(pages.other.origin);
    expect(shown.state).toMatch(/^failed: /);
    expect(shown.line).toBe('loading');
    expect(proxy.recorded.filter((request) => request.method === 'POST')).toHaveLength(0);
  });
});
