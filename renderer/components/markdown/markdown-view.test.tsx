// The note view rendered to static markup (react-dom/server): GitHub-flavoured markdown becomes
// elements, raw HTML stays text, only safe links open and only embedded images load.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownView } from './markdown-view';

const render = (text: string) => renderToStaticMarkup(<MarkdownView text={text} />);
/** The markup without the line breaks react-markdown puts between block elements. */
const flat = (text: string) => render(text).replaceAll('\n', '');

describe('MarkdownView', () => {
  it('renders a table, with its alignment, in a scrolling wrapper', () => {
    expect(flat('| run | loss |\n|-----|-----:|\n| a   | 0.5  |\n| b   | 0.25 |')).toContain(
      '<div class="markdown-table"><table><thead><tr><th>run</th><th style="text-align:right">loss</th></tr></thead>' +
        '<tbody><tr><td>a</td><td style="text-align:right">0.5</td></tr><tr><td>b</td><td style="text-align:right">0.25</td></tr></tbody></table></div>',
    );
  });

  it('renders nested lists, ordered inside unordered', () => {
    expect(flat('- optimizers\n  - adam\n  - sgd\n    1. lr 0.1\n    2. lr 0.01\n- schedulers')).toBe(
      '<div class="markdown"><ul><li>optimizers<ul><li>adam</li><li>sgd<ol><li>lr 0.1</li><li>lr 0.01</li></ol></li></ul></li><li>schedulers</li></ul></div>',
    );
  });

  it('renders task lists as disabled checkboxes', () => {
    const html = flat('- [x] baseline\n- [ ] sweep');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled="" checked=""/> baseline</li>');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled=""/> sweep</li>');
  });

  it('shows an image embedded in the note, and only names one the page may not load', () => {
    const html = render('![loss curve](data:image/png;base64,iVBORw0KGgo=)\n\n![remote](https://example.org/plot.png)');
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="loss curve" loading="lazy"/>');
    expect(html).not.toContain('example.org');
    expect(html).toContain('[image: remote]');
    expect(html.match(/<img/g)).toHaveLength(1);
  });

  it('refuses raw HTML: tags and handlers show as text, never as elements', () => {
    const html = render('<img src=x onerror=alert(1)>\n\nInline <script>alert(1)</script> and <a href="https://evil.example">a link</a>.\n\n<iframe src="https://evil.example"></iframe>');
    expect(html).not.toMatch(/<(img|script|iframe|a)\b/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('opens web and e-mail links in a new window without an opener, and shows other targets as text', () => {
    const html = render('[paper](https://example.org/paper) [mail](mailto:team@example.org) [bad](javascript:alert(1)) [anchor](#results) https://auto.example.org');
    expect(html).toContain('<a href="https://example.org/paper" target="_blank" rel="noopener noreferrer">paper</a>');
    expect(html).toContain('<a href="mailto:team@example.org" target="_blank" rel="noopener noreferrer">mail</a>');
    expect(html).toContain('<a href="https://auto.example.org" target="_blank" rel="noopener noreferrer">https://auto.example.org</a>');
    expect(html).toContain('<span class="markdown-link-text">bad</span>');
    expect(html).toContain('<span class="markdown-link-text">anchor</span>');
    expect(html).not.toContain('javascript:');
  });

  it('keeps headings, emphasis, code blocks with their language, quotes and rules', () => {
    const html = flat('# Title\n\nSome *text* and **bold** and `code`.\n\n```py\nprint("<b>")\n```\n\n> quoted\n\n---');
    expect(html).toBe(
      '<div class="markdown"><h1>Title</h1><p>Some <em>text</em> and <strong>bold</strong> and <code>code</code>.</p>' +
        '<pre><code class="language-py">print(&quot;&lt;b&gt;&quot;)</code></pre><blockquote><p>quoted</p></blockquote><hr/></div>',
    );
  });
});
