/** An OAuth2 client's id and secret, as dxp-ux and Px issue them to a partner. */
export interface UpstreamCredentials {
  clientId: string;
  clientSecret: string;
}
