import { Box, Text } from 'ink';
import type { PaneLine, Tone } from '../pane/render-pane.js';

const COLOR: Partial<Record<Tone, string>> = { head: 'cyan', ok: 'green', bad: 'red', busy: 'yellow', warn: 'yellow' };

/** The engine pane's lines (render-pane.ts decides them; this only colours them). */
export function PaneView({ lines }: { lines: PaneLine[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" dimColor={l.tone === 'dim'} {...(COLOR[l.tone] ? { color: COLOR[l.tone] } : {})}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
