// npm run agent -- add <email> --role <L1|L2|supervisor> [--name <name>]: creates an agent of
// the console (or sets its role and password). The password is asked on a terminal (not
// echoed, twice) or read from the first line of stdin: never an argument, which `ps` would show.
import { createInterface } from 'node:readline';
import { CONSOLE_ROLES, type ConsoleRole } from '../domain/agents/agent-access.ts';
import { AtiendeError } from '../domain/errors.ts';
import { withOfflineAtiende } from './offline.ts';

const USAGE = 'usage: npm run agent -- add <email> --role <L1|L2|supervisor> [--name <name>]\n';

function parse(argv: string[]): { email: string; role: ConsoleRole; name?: string } | null {
  const [command, email, ...rest] = argv;
  if (command !== 'add' || !email) return null;
  let role: ConsoleRole = 'L1';
  let name: string | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (rest[i] === '--role' && CONSOLE_ROLES.includes(value as ConsoleRole))
      role = value as ConsoleRole;
    else if (rest[i] === '--name' && value) name = value;
    else return null;
  }
  return { email, role, ...(name ? { name } : {}) };
}

/** Asks a question on the terminal without echoing the answer. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stdout.write(question);
    output._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('Password: ');
    const again = await askHidden('Again: ');
    if (first !== again) throw new Error('the two passwords differ');
    return first;
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

const args = parse(process.argv.slice(2));
if (!args) {
  process.stderr.write(USAGE);
  process.exit(2);
}
try {
  const password = await readPassword();
  // Nothing served while the agent is written.
  const agent = await withOfflineAtiende((atiende) =>
    atiende.agents.access.addAgent({ ...args, password }),
  );
  process.stdout.write(`Agent ${agent.email} (${args.role}) saved.\n`);
} catch (error) {
  process.stderr.write(
    `agent: ${error instanceof AtiendeError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
