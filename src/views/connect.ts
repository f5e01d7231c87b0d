// View models of the WordPress connect (built by db/connect.ts).

/** A connect code as issued: the code itself is shown once and never stored. */
export type ConnectCodeView = { code: string; expiresAt: string }

/** A store's connected WordPress plugin, as the plugin reported it. */
export type PluginConnectionView = {
  siteUrl: string
  restRoot: string
  version: string
  currency: string
  tokenId: string
  connectedAt: string
}
