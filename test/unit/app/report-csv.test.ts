import { describe, expect, it } from 'vitest';
import { csvCell, reportCsv } from '../../../src/app/agent-console/report-csv.ts';
import { buildReport } from '../../../src/domain/reports/index.ts';

describe('the report as CSV (issue 16)', () => {
  it('neutralises cells a spreadsheet would run as formulas (= + - @, tab, CR) and quotes separators', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('whatsapp')).toBe('whatsapp');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(null)).toBe('');
  });

  it('writes every figure of the report, a key from the data escaped too', () => {
    const days = new Map([
      [
        '2026-03-10',
        { opened: 2, 'opened:channel:=cmd()': 1, 'opened:channel:webchat': 1, closed: 1 },
      ],
    ]);
    const csv = reportCsv(buildReport('MX', '2026-03-10', '2026-03-10', days));
    expect(csv.split('\r\n')[0]).toBe('section,item,value');
    expect(csv).toContain("channel,'=cmd(),1\r\n");
    expect(csv).toContain('channel,webchat,1\r\n');
    expect(csv).toContain('day-opened,2026-03-10,2\r\n');
    expect(csv).toContain('first-level,share,0\r\n');
  });
});
