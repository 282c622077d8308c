/** `npm run generate -- <zip> --out <dir> …` in the repository (docs/generator.md). */
import { runCli } from './cli';

void runCli(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
