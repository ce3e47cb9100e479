// Entry point. `omk --version` answers here, before the CLI framework is loaded.
declare const OMK_VERSION: string;

// A closed pipe (`omk config show | head`) is the reader saying it has enough, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${OMK_VERSION}\n`);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, OMK_VERSION);
}
