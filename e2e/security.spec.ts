// The renderer's one Content-Security-Policy, as built and served: the page's meta tag (written by
// the build) and the header its server sends (the browser mode's HTTP, the desktop app's app://
// scheme) come from shared/renderer-csp.ts, and the browser enforces it.
import { RENDERER_CSP, RENDERER_CSP_HEADER } from '../shared/renderer-csp';
import { expect, test } from './cairn-fixture';

test('the built page states the one renderer CSP, its server sends the same, and it is enforced', async ({ page, cairn, cairnTarget }) => {
  const response = await page.goto(cairn.url);
  await expect(page.getByTestId('experiments-ready')).toBeAttached();
  const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(meta).toHaveCount(1);
  expect(await meta.getAttribute('content')).toBe(RENDERER_CSP);
  expect(response?.headers()['content-security-policy']).toBe(RENDERER_CSP_HEADER);
  if (cairnTarget === 'electron') expect(page.url()).toMatch(/^app:\/\/cairn\/index\.html/);

  // script-src 'self': an inline script put into the page does not run, and the browser reports the violation.
  const inline = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true }),
    );
    const script = document.createElement('script');
    script.textContent = 'document.body.dataset.inlineRan = "yes"';
    document.head.append(script);
    return { ran: document.body.dataset.inlineRan ?? 'no', violated: await violation };
  });
  expect(inline).toEqual({ ran: 'no', violated: 'script-src-elem' });
});
