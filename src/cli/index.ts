// The `abonent` command's entry: runs one command and exits with its code (see ./commands.ts).
import { runCli } from './commands';

const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
