/**
 * CSV the way finance staff open it in Excel (docs/domain.md §7 step 5): UTF-8 with a byte-order mark
 * (else Excel guesses a legacy code page and breaks å/ä/ö), semicolon separators (Swedish Excel's
 * list separator), CRLF line ends, and optionally the Swedish decimal comma.
 */
import { formatHundredths, formatKronor, type FormatOptions } from './money';
import type { BasisLine, InvoiceLine } from './types';

export const BOM = '\uFEFF';

type Cell = string | number | boolean | null;

function cell(v: Cell): string {
  const s = v === null ? '' : String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
}

export function basisCsv(lines: readonly BasisLine[], opts: FormatOptions = {}): string {
  return toCsv(
    ['lineRef', 'municipality', 'firstReadyDate', 'endDate', 'ending', 'readyPeriods', 'readyDays', 'psychiatric', 'checkpoint', 'status', 'chargeableDays', 'amountSEK', 'note', 'hint', 'review'],
    lines.map((l) => [
      l.lineRef, l.municipality, l.firstReadyDate, l.endDate, l.ending, l.readyPeriods, l.readyDays, l.psychiatric, l.checkpoint, l.status,
      formatHundredths(l.chargeableDayHundredths, opts), formatKronor(l.amountOre, opts), l.note, l.hint, l.review ?? null,
    ]),
  );
}

export interface InvoiceForCsv {
  invoiceId: string;
  municipality: string;
  month: string;
  ruleSetId: string;
  lines: readonly InvoiceLine[];
}

export function invoicesCsv(invoices: readonly InvoiceForCsv[], opts: FormatOptions = {}): string {
  const rows: Cell[][] = [];
  for (const inv of invoices) {
    for (const [i, l] of inv.lines.entries()) {
      rows.push([inv.invoiceId, inv.municipality, inv.month, inv.ruleSetId, i + 1, l.kind, l.lineRef, l.description, formatHundredths(l.dayHundredths, opts), formatKronor(l.amountOre, opts)]);
    }
  }
  return toCsv(['invoiceId', 'municipality', 'month', 'ruleSetId', 'lineNo', 'kind', 'lineRef', 'description', 'days', 'amountSEK'], rows);
}
