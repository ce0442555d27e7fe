import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown-parser';

describe('parseMarkdown', () => {
  it('parses headings, paragraphs, lists, code, quotes and rules', () => {
    const blocks = parseMarkdown(
      '# Title\n\nSome *text*\ncontinued.\n\n- one\n- two `x`\n\n1. first\n2. second\n\n```py\nprint("<b>")\n```\n> quoted\n\n---',
    );
    expect(blocks.map((block) => block.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code', 'quote', 'rule']);
    expect(blocks[0]).toEqual({ kind: 'heading', level: 1, children: [{ kind: 'text', text: 'Title' }] });
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      children: [{ kind: 'text', text: 'Some ' }, { kind: 'em', children: [{ kind: 'text', text: 'text' }] }, { kind: 'text', text: ' continued.' }],
    });
    expect(blocks[2]).toMatchObject({ kind: 'list', ordered: false, items: [[{ text: 'one' }], [{ text: 'two ' }, { kind: 'code', text: 'x' }]] });
    expect(blocks[3]).toMatchObject({ kind: 'list', ordered: true });
    expect(blocks[4]).toEqual({ kind: 'code', language: 'py', text: 'print("<b>")' });
  });

  it('keeps only http(s) and mailto links, and leaves markup as text', () => {
    expect(parseInline('[a](https://x.org) [b](javascript:alert(1)) <img src=x>')).toEqual([
      { kind: 'link', href: 'https://x.org', children: [{ kind: 'text', text: 'a' }] },
      { kind: 'text', text: ' ' },
      { kind: 'link', href: null, children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ') <img src=x>' },
    ]);
  });

  it('reads strong, escapes and snake_case words', () => {
    expect(parseInline('**bold** \\*not\\* learning_rate_x')).toEqual([
      { kind: 'strong', children: [{ kind: 'text', text: 'bold' }] },
      { kind: 'text', text: ' *not* learning_rate_x' },
    ]);
  });
});
