/**
 * atiende as a process of its own, as `npm start` (`src/app/main.ts` through tsx) or
 * `npm run start:prod` (the built `dist/app/main.js`) run it: for what only a real process
 * shows (signals, exit codes, what it writes when it stops).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running atiende process. */
export interface AppProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` once it listens. */
  readonly base: string;
  /** Everything it wrote so far (its log lines are JSON on stderr). */
  output(): string;
  /** Its log lines at `level` or above (pino: 40 warn, 50 error, 60 fatal). */
  logsAtOrAbove(level: number): Record<string, unknown>[];
  /** Settles once it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** POSTs a JSON body to `/api/chat`; answers the status and the parsed body. */
  chat(body: unknown): Promise<{ status: number; body: ChatBody }>;
}

/** The JSON channel's answer, as far as these tests read it. */
export interface ChatBody {
  outcome?: string;
  code?: string;
  replies?: { deliveryId: string; key: string; text: string }[];
}

/** Which entry point: the TypeScript sources through tsx, or the build in `dist/`. */
export type Entry = 'src' | 'dist';

/**
 * Starts atiende on port 0 with `env` (added to PATH and LOG_LEVEL=info) and resolves once it
 * listens. `detached` makes it the leader of a process group of its own, as a shell makes a
 * foreground job, so that a test can signal the whole group as Ctrl-C does.
 */
export async function startAppProcess(options: {
  entry: Entry;
  env: Record<string, string>;
  detached?: boolean;
  timeoutMs?: number;
}): Promise<AppProcess> {
  const args =
    options.entry === 'dist'
      ? ['--enable-source-maps', 'dist/app/main.js']
      : ['--import', 'tsx', 'src/app/main.ts'];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: process.env.APP_LOG_LEVEL ?? 'info',
      PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{') && line.endsWith('}'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // not one of pino's lines
        }
      });
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let port: number | null = null;
  while (port === null) {
    const listening = lines().find((line) => line.msg?.toString().startsWith('atiende listening'));
    if (listening) port = listening.port as number;
    else if (child.exitCode !== null) throw new Error(`atiende exited at start:\n${output}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`atiende did not listen in time:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    output: () => output,
    logsAtOrAbove: (level) => lines().filter((line) => (line.level as number) >= level),
    exited,
    async chat(body) {
      const response = await fetch(`${base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as ChatBody };
    },
  };
}
