// `npm run build`: compiles src/ to dist/ (tsconfig.build.json: JavaScript with source maps, the
// `.ts` import suffixes rewritten to `.js`), then copies beside the compiled modules the files
// the server reads at run time (the agent console's page, the web chat page's script and
// style, the demo data), so that dist/ finds them by the same relative paths as src/ does.
// `locales/` and `node_modules/` are read from the project root, one level above dist/ as
// above src/.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('src', 'dist', {
  recursive: true,
  filter: (source) => statSync(source).isDirectory() || extname(source) !== '.ts',
});
