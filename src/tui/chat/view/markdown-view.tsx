import { Box, Text } from 'ink';
import { renderMarkdown, type MdLine, type Span } from '../../../core/format/markdown.js';

/** A Markdown answer as Ink text: headings bold (and underlined at level 1), code in its own colour. */
export function MarkdownView({ text, lines }: { text?: string; lines?: MdLine[] }) {
  const md = lines ?? renderMarkdown(text ?? '');
  return (
    <Box flexDirection="column">
      {md.map((line, i) => (
        <MdRow key={i} line={line} />
      ))}
    </Box>
  );
}

function MdRow({ line }: { line: MdLine }) {
  if (line.kind === 'blank') return <Text> </Text>;
  if (line.kind === 'code') {
    return (
      <Text color="yellow" wrap="truncate-end">
        {line.spans.map((s) => s.text).join('')}
      </Text>
    );
  }
  const color = line.kind === 'heading' ? 'cyan' : line.kind === 'rule' || line.kind === 'quote' ? 'gray' : undefined;
  return (
    <Text {...(color ? { color } : {})} underline={line.kind === 'heading' && line.level === 1}>
      {line.spans.map((s, i) => (
        <SpanText key={i} span={s} />
      ))}
    </Text>
  );
}

function SpanText({ span }: { span: Span }) {
  return (
    <Text bold={span.bold === true} italic={span.italic === true} {...(span.code ? { color: 'yellow' } : {})}>
      {span.text}
    </Text>
  );
}
