/// <reference lib="dom" />
import { goalPage } from './goal.js';
import { goalsList } from './list.js';

// Two routes, both served the same document: `/` (the goals list) and `/goals/ID` (a goal; its sections are #anchors).
const root = document.getElementById('app')!;
const m = /^\/goals\/([^/]+)\/?$/.exec(location.pathname);
if (m) goalPage(root, decodeURIComponent(m[1]!));
else goalsList(root);
