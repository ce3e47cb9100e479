export { parseTestOutput } from './parse.js';
export { TEST_FORMATS, type TestCase, type TestCounts, type TestFormat, type TestReport, type TestStatus } from './types.js';
