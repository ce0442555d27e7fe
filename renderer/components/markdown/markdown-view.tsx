// Renders markdown as React elements built from the parsed tree: no HTML string is ever built,
// so a note cannot inject markup. Links to http(s) and mailto open outside the app.
import { useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from './markdown-parser';

function renderInline(inlines: readonly Inline[]): ReactNode[] {
  return inlines.map((inline, i) => {
    switch (inline.kind) {
      case 'text':
        return inline.text;
      case 'code':
        return <code key={i}>{inline.text}</code>;
      case 'strong':
        return <strong key={i}>{renderInline(inline.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(inline.children)}</em>;
      case 'link':
        return inline.href ? (
          <a key={i} href={inline.href} target="_blank" rel="noopener noreferrer">
            {renderInline(inline.children)}
          </a>
        ) : (
          <span key={i}>{renderInline(inline.children)}</span>
        );
    }
  });
}

function renderBlock(block: Block, key: number): ReactNode {
  switch (block.kind) {
    case 'heading': {
      const Heading = `h${block.level}` as const;
      return <Heading key={key}>{renderInline(block.children)}</Heading>;
    }
    case 'paragraph':
      return <p key={key}>{renderInline(block.children)}</p>;
    case 'code':
      return (
        <pre key={key} data-language={block.language || undefined}>
          <code>{block.text}</code>
        </pre>
      );
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderInline(item)}</li>);
      return block.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
    }
    case 'quote':
      return <blockquote key={key}>{block.children.map(renderBlock)}</blockquote>;
    case 'rule':
      return <hr key={key} />;
  }
}

/** Shows markdown text (a run's note) safely. */
export function MarkdownView({ text, testId }: { text: string; testId?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className="markdown" data-testid={testId}>
      {blocks.map(renderBlock)}
    </div>
  );
}
