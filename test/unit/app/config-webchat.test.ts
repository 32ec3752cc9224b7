import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';

describe('the web chat configuration', () => {
  it("takes Azure's Direct Line only with its secret, on Azure's public URL unless another is given", async () => {
    expect((await loadConfig({})).webchat.azureDirectLine).toBeNull();
    expect(
      (await loadConfig({ WEBCHAT_DIRECT_LINE_SECRET: 's3cret' })).webchat.azureDirectLine,
    ).toEqual({ url: 'https://directline.botframework.com/v3/directline', secret: 's3cret' });
    const regional = await loadConfig({
      WEBCHAT_DIRECT_LINE_SECRET: 's3cret',
      WEBCHAT_DIRECT_LINE_URL: 'https://europe.directline.botframework.com/v3/directline/',
    });
    expect(regional.webchat.azureDirectLine?.url).toBe(
      'https://europe.directline.botframework.com/v3/directline',
    );
  });

  it('refuses a Direct Line URL that is not http(s), without showing the secret', async () => {
    const error = await loadConfig({
      WEBCHAT_DIRECT_LINE_SECRET: 'do-not-show-me',
      WEBCHAT_DIRECT_LINE_URL: 'ftp://example.com/v3/directline',
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/WEBCHAT_DIRECT_LINE_URL/);
    expect(String(error)).not.toContain('do-not-show-me');
  });
});
