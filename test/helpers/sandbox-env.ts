import { DXP_SANDBOX_CREDENTIALS, startDxpSandbox } from '../../src/sandbox/dxp/server.js';
import {
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
} from '../../src/sandbox/px/server.js';
import type { SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { usePerSuite } from './per-suite.js';

/** The environment that points a subgraph at sandboxes a test started, with their public credentials. */
export function sandboxEnv(dxp: SandboxHandle, px: SandboxHandle): Record<string, string> {
  return {
    DXP_BASE_URL: dxp.url,
    DXP_CLIENT_ID: DXP_SANDBOX_CREDENTIALS.clientId,
    DXP_CLIENT_SECRET: DXP_SANDBOX_CREDENTIALS.clientSecret,
    PX_BASE_URL: px.url,
    PX_TOKEN_URL: `${px.url}/oauth/token`,
    PX_CLIENT_ID: PX_SANDBOX_CREDENTIALS.clientId,
    PX_CLIENT_SECRET: PX_SANDBOX_CREDENTIALS.clientSecret,
  };
}

export interface Sandboxes {
  dxp: SandboxHandle;
  px: PxSandboxHandle;
  /** The environment that points a subgraph process at them. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Both sandboxes on free loopback ports, for subgraphs a test starts as processes. */
export async function startSandboxes(): Promise<Sandboxes> {
  const [dxp, px] = await Promise.all([startDxpSandbox(), startPxSandbox()]);
  return {
    dxp,
    px,
    env: () => sandboxEnv(dxp, px),
    close: async () => {
      await Promise.all([dxp.close(), px.close()]);
    },
  };
}

/** The sandboxes of the enclosing `describe`: started before its first test, closed after its last. */
export function useSandboxes(): Sandboxes {
  return usePerSuite('the sandboxes', startSandboxes);
}
