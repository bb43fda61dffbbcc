/** The wall's page policy with the video platforms' origins (server/transport/http/webApp.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withFrameOrigins } from '../../server/transport/http/webApp';
import { ConfigSchema } from '../../server/config';

const page = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');

describe('VIDEO_FRAME_ORIGINS', () => {
  it('adds the origins as frame-src to the page policy, and nothing else changes', () => {
    const out = withFrameOrigins(page, ['http://vms.local:8080', 'https://vms2.local']);
    const policy = /content="([^"]*)"/.exec(out.slice(out.indexOf('Content-Security-Policy')))![1]!;
    expect(policy).toContain("frame-src 'self' http://vms.local:8080 https://vms2.local");
    expect(policy).toContain("default-src 'self'");
    expect(out.replace(/; frame-src[^"]*/, '')).toBe(page);
  });
  it('leaves the page as it is without origins', () => {
    expect(withFrameOrigins(page, [])).toBe(page);
  });
  it('refuses anything but an origin in the setting', () => {
    expect(ConfigSchema.safeParse({ VIDEO_FRAME_ORIGINS: 'http://vms.local:8080, https://b.local' }).data?.VIDEO_FRAME_ORIGINS).toEqual(['http://vms.local:8080', 'https://b.local']);
    expect(ConfigSchema.safeParse({ VIDEO_FRAME_ORIGINS: "http://x.local/'; script-src *" }).success).toBe(false);
    expect(ConfigSchema.safeParse({}).data?.VIDEO_FRAME_ORIGINS).toEqual([]);
  });
});
