// Renders markdown (a run's note) with react-markdown and GitHub's extensions (remark-gfm:
// tables, task lists, strikethrough, autolinks). React elements are built from the syntax tree,
// never an HTML string, and raw HTML is not enabled: markup in a note shows as text. Links to the
// web and e-mail open outside the app; other link targets show as text (a "#…" link would move the
// app's hash router). Images show only when embedded in the note (data:) or local blobs, as the
// page's Content-Security-Policy allows.
import Markdown, { defaultUrlTransform, type Components, type UrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const REMARK_PLUGINS = [remarkGfm];

/** Link targets that open (outside the app). */
const OPENABLE_LINK = /^(https?:\/\/|mailto:)/i;
/** Image sources the page may load. */
const SHOWN_IMAGE = /^(data:image\/|blob:)/i;

/** Keeps embedded images' data: URLs, which react-markdown's default would drop; every other URL as it does. */
const urlTransform: UrlTransform = (url, key, node) =>
  key === 'src' && node.tagName === 'img' && SHOWN_IMAGE.test(url) ? url : defaultUrlTransform(url);

const COMPONENTS: Components = {
  a({ href, children }) {
    if (!href || !OPENABLE_LINK.test(href)) return <span className="markdown-link-text">{children}</span>;
    return (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    );
  },
  img({ src, alt, title }) {
    if (typeof src === 'string' && SHOWN_IMAGE.test(src)) return <img src={src} alt={alt ?? ''} title={title} loading="lazy" />;
    return (
      <span className="markdown-image-missing" title="Only images embedded in the note (data: URLs) are shown.">
        {alt ? `[image: ${alt}]` : '[image]'}
      </span>
    );
  },
  // Wide tables scroll on their own instead of widening the page.
  table({ children }) {
    return (
      <div className="markdown-table">
        <table>{children}</table>
      </div>
    );
  },
};

/** Shows markdown text (a run's note) safely. */
export function MarkdownView({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="markdown" data-testid={testId}>
      <Markdown remarkPlugins={REMARK_PLUGINS} components={COMPONENTS} urlTransform={urlTransform}>
        {text}
      </Markdown>
    </div>
  );
}
