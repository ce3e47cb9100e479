import { Box, Text } from 'ink';
import { cursorPosition, type EditorState } from '../input-editor.js';

/** The input: `› ` then the text, continuation lines indented, the cursor drawn inverse. */
export function InputView({ editor, prompt, placeholder, focus }: { editor: EditorState; prompt: string; placeholder?: string; focus: boolean }) {
  const lines = editor.text.split('\n');
  const { row, col } = cursorPosition(editor);
  if (editor.text === '' && placeholder) {
    return (
      <Text>
        <Text color="cyan">{prompt}</Text>
        {focus ? <Text inverse> </Text> : null}
        <Text dimColor>{placeholder}</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i}>
          <Text color="cyan">{i === 0 ? prompt : ' '.repeat(prompt.length)}</Text>
          {focus && i === row ? <CursorLine line={line} col={col} /> : line}
        </Text>
      ))}
    </Box>
  );
}

function CursorLine({ line, col }: { line: string; col: number }) {
  const at = line.slice(col, col + (line.codePointAt(col) !== undefined && line.codePointAt(col)! > 0xffff ? 2 : 1));
  return (
    <Text>
      {line.slice(0, col)}
      <Text inverse>{at || ' '}</Text>
      {line.slice(col + at.length)}
    </Text>
  );
}
