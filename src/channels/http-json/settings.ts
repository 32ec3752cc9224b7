/** The JSON channel's settings (configuration: `ATIENDE_API_KEY`, `HTTP_JSON_*`). */
export interface HttpJsonSettings {
  /** When set, every request must carry it (`Authorization: Bearer …` or `x-api-key`). */
  readonly apiKey: string | null;
  /** Where replies that no request is waiting for are POSTed (timers, agents, recovery). */
  readonly callbackUrl: string | null;
  /** Sent to the callback as `Authorization: Bearer …`, so it knows the replies are ours. */
  readonly callbackToken: string | null;
  /**
   * Origins (`https://shop.example.com`) whose web pages may call the API from a browser; any
   * other page is refused, so that a site a customer visits cannot post in their name.
   */
  readonly allowedOrigins: readonly string[];
}

/** Open (no key), no callback, no other origin: for trying atiende on loopback. */
export const DEFAULT_HTTP_JSON_SETTINGS: HttpJsonSettings = {
  apiKey: null,
  callbackUrl: null,
  callbackToken: null,
  allowedOrigins: [],
};
