/** Progress of a long command: a bar redrawn in place on a terminal, plain lines otherwise. */
export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

/**
 * A progress report on `stream`: on a TTY one line redrawn (at most every 100 ms); elsewhere
 * (a log, a pipe) a plain line at each tenth of the work, so that logs stay readable.
 */
export function progressOn(stream: NodeJS.WriteStream, label: string): Progress {
  const tty = stream.isTTY === true;
  let drawn = 0;
  let lastTenth = -1;
  let last: [number, number] = [0, 0];
  const bar = (done: number, total: number) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
    const share = total === 0 ? 1 : done / total;
    const full = Math.round(share * width);
    return `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.floor(share * 100)}% ${done}/${total}`;
  };
  return {
    update(done, total) {
      last = [done, total];
      if (tty) {
        if (Date.now() - drawn < 100 && done < total) return;
        drawn = Date.now();
        stream.write(bar(done, total));
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label}: ${done}/${total}\n`);
    },
    end() {
      if (tty) stream.write(`${bar(...last)}\n`);
    },
  };
}
