import { Box, Text } from 'ink';
import type { Entry } from '../conversation.js';
import { MarkdownView } from './markdown-view.js';

/** One finished conversation entry (printed once, above the live area). */
export function EntryView({ entry }: { entry: Entry }) {
  switch (entry.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color="cyan" bold>
            {'› '}
          </Text>
          <Text>{entry.text}</Text>
        </Box>
      );
    case 'answer':
      return <MarkdownView text={entry.text} />;
    case 'note':
      return <Text dimColor>{entry.text}</Text>;
    case 'warn':
      return <Text color="yellow">{`! ${entry.text}`}</Text>;
    case 'error':
      return <Text color="red">{entry.text}</Text>;
    case 'info':
      return <Text>{entry.text}</Text>;
    case 'diff':
      return <DiffView text={entry.text} />;
  }
}

function DiffView({ text }: { text: string }) {
  const [head, ...lines] = text.split('\n');
  return (
    <Box flexDirection="column">
      <Text bold>{head}</Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" {...diffColor(l)}>
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
}

function diffColor(line: string): { color?: string; dimColor?: boolean } {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) return { dimColor: true };
  if (line.startsWith('+')) return { color: 'green' };
  if (line.startsWith('-')) return { color: 'red' };
  if (line.startsWith('@@')) return { color: 'cyan' };
  return {};
}
