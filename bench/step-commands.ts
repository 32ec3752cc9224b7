// Database commands per step of the bench's conversation, one conversation at a time: what a
// turn waits for (and how deep its chain of round trips is), and what it leaves to run after
// it. These counts do not depend on the machine's load (unlike the bench's latencies), so they
// compare code on a shared machine.
//
//   npx tsx bench/step-commands.ts [--conversations 4] [--after-ms 300] [--out FILE]
//
// The runtime is assembled but not started: no scheduler poll, housekeeping or board refresh
// adds commands of its own (the board is read before each step, as the refresh loop keeps it); what a step's turn causes after it (effect results, report shards,
// mail intents written later) is counted within --after-ms of the turn's end.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import type { CommandStartedEvent, CommandSucceededEvent, CommandFailedEvent } from 'mongodb';
import { assembleAtiende } from '../src/app/assemble.ts';
import { startEmbeddedDatabase } from '../src/bot/database/embedded-ferretdb.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import { seedDemoData } from '../src/domain/seed/seed.ts';
import { BenchChannel, benchCustomer, technicalScript } from './conversation.ts';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '4' },
    'after-ms': { type: 'string', default: '300' },
    out: { type: 'string' },
  },
});
const conversations = Math.max(1, Number(args.conversations));
const afterMs = Math.max(0, Number(args['after-ms']));
/** Tuesday 10:00 in Mexico City, as the bench: the daytime path. */
const BUSINESS_TIME = '2026-03-10T16:00:00Z';
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

interface Command {
  key: string;
  write: boolean;
  startedAt: number;
  endedAt: number | null;
}

/** Commands of one window (a turn, or the time after it). */
class Window {
  readonly commands: Command[] = [];
  /**
   * How many round trips deep the turn's own chain is: the longest chain of commands, each
   * started after the one before it ended, that leads to the version's insert (the turn's last
   * write); commands the turn started and did not wait for are off that chain.
   */
  depth(): number {
    const depths: number[] = [];
    this.commands.forEach((c, i) => {
      let before = 0;
      for (let j = 0; j < i; j++) {
        const d = this.commands[j]!;
        if (d.endedAt !== null && d.endedAt <= c.startedAt) before = Math.max(before, depths[j]!);
      }
      depths.push(before + 1);
    });
    const last = this.commands.findLastIndex((c) => c.key === 'insert conversation_states');
    return last >= 0 ? depths[last]! : Math.max(0, ...depths);
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'atiende-steps-'));
  const embedded = await startEmbeddedDatabase(dataDir, () => undefined);
  const connection = mongoose.createConnection(embedded.uri, {
    autoIndex: false,
    monitorCommands: true,
  });
  try {
    await connection.asPromise();
    let window: Window | null = null;
    const open = new Map<number, Command>();
    const client = connection.getClient();
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (!window) return;
      const target =
        event.commandName === 'getMore'
          ? event.command.collection
          : event.command[event.commandName];
      // Hour- and minute-numbered collections are one kind each.
      const collection = typeof target === 'string' ? target.replace(/_\d+$/, '_<n>') : '';
      const command: Command = {
        key: `${event.commandName} ${collection}`.trim(),
        write: WRITES.has(event.commandName),
        startedAt: performance.now(),
        endedAt: null,
      };
      window.commands.push(command);
      open.set(event.requestId, command);
    });
    const ended = (event: CommandSucceededEvent | CommandFailedEvent) => {
      const command = open.get(event.requestId);
      if (command) command.endedAt = performance.now();
      open.delete(event.requestId);
    };
    client.on('commandSucceeded', ended);
    client.on('commandFailed', ended);

    const clock = new ManualClock(BUSINESS_TIME);
    const channel = new BenchChannel('terminal');
    const atiende = await assembleAtiende({
      database: { connection },
      policy: DEFAULT_POLICY,
      clock,
      channels: [channel],
      onError: (error) => process.stderr.write(`background error: ${String(error)}\n`),
    });
    const runtime = atiende.runtime;
    await seedDemoData(runtime.domain);
    const total = conversations + 1;
    for (let i = 0; i < total; i++) await runtime.domain.customers.save(benchCustomer('SC', i));

    // Per step: waited and after windows of each measured conversation (the first is warm-up).
    const steps: { waited: Window[]; after: Window[]; expect: string | null }[] = [];
    for (let n = 0; n < total; n++) {
      const customer = benchCustomer('SC', n);
      const user = `steps-${n}`;
      const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
      for (const [i, step] of script.entries()) {
        // A started process's loop reads the announcement board each second: as it just did.
        await runtime.domain.announcements.refresh();
        const waited = new Window();
        window = waited;
        const outcome = await runtime.engine.handle({
          channel: channel.kind,
          channelUserId: user,
          messageId: `${user}:${i}`,
          text: typeof step.message === 'string' ? step.message : '',
          choice: typeof step.message === 'string' ? undefined : step.message.choice,
          receivedAt: new Date(),
        });
        const after = new Window();
        window = after;
        await new Promise((resolve) => setTimeout(resolve, afterMs));
        window = null;
        const keys = channel.take(user).map((m) => m.reply.key);
        if (outcome !== 'answered' || (step.expect && !keys.includes(step.expect)))
          throw new Error(`conversation ${n}, step ${i + 1}: ${outcome}, ${keys.join(', ')}`);
        if (n === 0) continue;
        const entry = (steps[i] ??= { waited: [], after: [], expect: step.expect ?? null });
        entry.waited.push(waited);
        entry.after.push(after);
      }
    }

    const mean = (xs: number[]) =>
      Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
    const kinds = (windows: Window[]) => {
      const counts = new Map<string, number>();
      for (const w of windows)
        for (const c of w.commands) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
      return Object.fromEntries(
        [...counts]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, Math.round((v / windows.length) * 10) / 10]),
      );
    };
    const report = steps.map((s, i) => ({
      step: i + 1,
      expect: s.expect,
      waited: mean(s.waited.map((w) => w.commands.length)),
      waitedWrites: mean(s.waited.map((w) => w.commands.filter((c) => c.write).length)),
      depth: mean(s.waited.map((w) => w.depth())),
      after: mean(s.after.map((w) => w.commands.length)),
      afterWrites: mean(s.after.map((w) => w.commands.filter((c) => c.write).length)),
      waitedByKind: kinds(s.waited),
      afterByKind: kinds(s.after),
    }));
    const sum = (f: (r: (typeof report)[number]) => number) =>
      Math.round(report.reduce((a, r) => a + f(r), 0) * 10) / 10;
    process.stdout.write(
      `database commands per step, ${conversations} conversation(s) one at a time (mean)\n` +
        'step expect                   waited writes depth | after writes\n',
    );
    for (const r of report) {
      process.stdout.write(
        `${String(r.step).padStart(4)} ${(r.expect ?? '').padEnd(24)} ${String(r.waited).padStart(6)} ` +
          `${String(r.waitedWrites).padStart(6)} ${String(r.depth).padStart(5)} | ` +
          `${String(r.after).padStart(5)} ${String(r.afterWrites).padStart(6)}\n`,
      );
    }
    process.stdout.write(
      `   all ${''.padEnd(24)} ${String(sum((r) => r.waited)).padStart(6)} ${String(sum((r) => r.waitedWrites)).padStart(6)}` +
        `       | ${String(sum((r) => r.after)).padStart(5)} ${String(sum((r) => r.afterWrites)).padStart(6)}\n`,
    );
    for (const r of report.filter(
      (r) => r.expect === 'case.opened' || r.expect === 'visit.folioConfirmed',
    )) {
      process.stdout.write(
        `\nstep ${r.step} (${r.expect}) waited: ${JSON.stringify(r.waitedByKind)}\n`,
      );
      process.stdout.write(
        `step ${r.step} (${r.expect}) after:  ${JSON.stringify(r.afterByKind)}\n`,
      );
    }
    if (args.out) await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
    await runtime.stop();
  } finally {
    await connection.close().catch(() => undefined);
    await embedded.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

await main();
