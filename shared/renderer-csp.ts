// The one Content-Security-Policy of the renderer: nothing but its own origin. The build writes it
// into index.html's meta tag (vite.config.mts), the browser mode sends it as a header, and the
// desktop app's app:// scheme sends it with every file, so the three cannot differ.

/** The renderer's policy, exactly as index.html's `<meta http-equiv="Content-Security-Policy">` states it. */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * The same policy as an HTTP header, plus what only a header can say: browsers ignore
 * `frame-ancestors` in a meta tag, so forbidding other pages to frame the UI is sent here.
 */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;
