import { describe, expect, it } from 'vitest';
import { sandboxExampleDocument } from '../src/graphql/plugins/landing-page.js';
import { answerOf, startTestStackForTest } from './helpers/app.js';

/** GET /graphql the way a browser opens it. */
async function openInBrowser(url: string) {
  const response = await fetch(url, { headers: { accept: 'text/html' } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    html: await response.text(),
  };
}

/** The options the page hands to EmbeddedSandbox, as the page's script reads them. */
function embeddedSandboxConfig(html: string): Record<string, unknown> {
  const match = /var embeddedSandboxConfig = (\{.*\});/.exec(html);
  if (!match?.[1]) throw new Error(`no embeddedSandboxConfig in the page:\n${html}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('the Apollo Sandbox landing page', () => {
  it('serves Sandbox in development, on this endpoint, with the example operation ready', async () => {
    const stack = await startTestStackForTest({ NODE_ENV: 'development' });
    const page = await openInBrowser(stack.graphqlUrl);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(page.html).toContain('new window.EmbeddedSandbox(');
    // The page's own address is the initial endpoint, and the visitor cannot point it elsewhere.
    expect(page.html).toContain('var initialEndpoint = window.location.href;');
    const config = embeddedSandboxConfig(page.html);
    expect(config).toMatchObject({ endpointIsEditable: false, target: '#embeddableSandbox' });
    const initialState = config['initialState'] as Record<string, unknown>;
    expect(initialState['document']).toBe(sandboxExampleDocument());
    expect(initialState['document']).toContain('query MobileLineAddons');
    expect(initialState['document']).toContain(
      'mobileLine(businessId: "PR", msisdn: "16654555678")',
    );
    // What a visitor's first Run sends: the document as the page holds it, fragments and all.
    const line = await answerOf(stack, initialState['document'] as string);
    expect(line).toMatchObject({ __typename: 'MobileLine', msisdn: '16654555678' });
    expect(line['addons']).not.toHaveLength(0);
  });

  it('serves no landing page in production', async () => {
    const stack = await startTestStackForTest({ NODE_ENV: 'production', ROUTER_SECRET: 'off' });
    const page = await openInBrowser(stack.graphqlUrl);
    expect(page.status).not.toBe(200);
    expect(page.type).not.toMatch(/^text\/html/);
    expect(page.html).not.toContain('EmbeddedSandbox');
    expect(page.html).not.toContain('MobileLineAddons');
  });
});
