import type { UpstreamCredentials } from '../upstreams/credentials.js';
import { DXP_SANDBOX_CREDENTIALS, startDxpSandbox } from './dxp/server.js';
import { PX_SANDBOX_CREDENTIALS, startPxSandbox } from './px/server.js';
import type { SandboxHandle } from './sandbox-server.js';

/** The sandboxes started in place of unconfigured upstreams, and where they answer. */
export interface EmbeddedSandboxes {
  dxp?: { baseUrl: string; credentials: UpstreamCredentials };
  px?: { baseUrl: string; tokenUrl: string; credentials: UpstreamCredentials };
  handles: { dxp?: SandboxHandle; px?: SandboxHandle };
  close(): Promise<void>;
}

/**
 * Starts the sandbox of each upstream asked for, on a free loopback port, with
 * its public fixture credentials. The subgraph loads this module only when an
 * upstream has no URL configured, so a production start never loads the
 * sandboxes or Fastify.
 */
export async function startEmbeddedSandboxes(wanted: {
  dxp: boolean;
  px: boolean;
}): Promise<EmbeddedSandboxes> {
  const handles: EmbeddedSandboxes['handles'] = {};
  const close = async () => {
    await Promise.all([handles.dxp?.close(), handles.px?.close()]);
  };
  try {
    if (wanted.dxp) handles.dxp = await startDxpSandbox();
    if (wanted.px) handles.px = await startPxSandbox();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    ...(handles.dxp && {
      dxp: { baseUrl: handles.dxp.url, credentials: DXP_SANDBOX_CREDENTIALS },
    }),
    ...(handles.px && {
      px: {
        baseUrl: handles.px.url,
        tokenUrl: `${handles.px.url}/oauth/token`,
        credentials: PX_SANDBOX_CREDENTIALS,
      },
    }),
    handles,
    close,
  };
}
