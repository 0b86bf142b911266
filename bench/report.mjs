/**
 * Turns the measurements into table rows (metric | lambda-tasks | moto | ratio | better | winner, plus a
 * target column when a row has one) and prints them.
 */
import { MiB } from './stats.mjs';

/**
 * @typedef {object} Row
 * @property {string} metric
 * @property {string} unit
 * @property {'higher' | 'lower'} better
 * @property {number | undefined} lambdaTasks
 * @property {number | undefined} moto
 * @property {number | undefined} ratio lambda-tasks / moto
 * @property {string} [note]
 * @property {Target} [target] a goal for lambda-tasks (shown, never asserted)
 * @property {false} [comparable] false when moto's number is not the same thing (e.g. an error answer)
 */

/**
 * @typedef {object} Target
 * @property {number} value
 * @property {string} text e.g. `< 3 ms`
 * @property {boolean} [ratio] the goal is for the ratio to moto (`>= 3x moto`), not for lambda-tasks' number
 */

/**
 * @typedef {object} RowOptions
 * @property {Target} [target]
 * @property {boolean} [comparable] @default true
 */

/**
 * @param {string} metric
 * @param {string} unit
 * @param {'higher' | 'lower'} better
 * @param {number | undefined} lambdaTasks
 * @param {number | undefined} moto
 * @param {string} [note]
 * @param {RowOptions} [options]
 * @returns {Row}
 */
export function row(metric, unit, better, lambdaTasks, moto, note, options = {}) {
  const ratio =
    lambdaTasks !== undefined &&
    moto !== undefined &&
    Number.isFinite(lambdaTasks) &&
    Number.isFinite(moto) &&
    moto !== 0
      ? lambdaTasks / moto
      : undefined;
  return {
    metric,
    unit,
    better,
    lambdaTasks,
    moto,
    ratio,
    ...(note ? { note } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.comparable === false ? { comparable: /** @type {const} */ (false) } : {}),
  };
}

/** @param {number | undefined} value */
function fmt(value) {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** @param {number} bytes */
export const toMiB = (bytes) => bytes / MiB;

/**
 * Which side wins a row, given its direction.
 * @param {Row} r
 * @param {string} [peer]
 */
function winner(r, peer = 'moto') {
  if (r.ratio === undefined) return '';
  if (r.comparable === false) return 'not comparable';
  if (Math.abs(r.ratio - 1) < 0.05) return '~same';
  const ltBetter = r.better === 'higher' ? r.ratio > 1 : r.ratio < 1;
  return ltBetter ? 'lambda-tasks' : peer;
}

/**
 * A row's target and whether lambda-tasks' number meets it.
 * @param {Row} r
 */
function targetCell(r) {
  if (!r.target) return '';
  const value = r.target.ratio ? r.ratio : r.lambdaTasks;
  if (value === undefined || !Number.isFinite(value)) return r.target.text;
  const met = r.better === 'lower' ? value < r.target.value : value >= r.target.value;
  return `${r.target.text}: ${met ? 'met' : 'missed'}`;
}

/**
 * @param {Row[]} rows
 * @param {string} [peer] what the peer column holds: moto, or a floor measured in the same run
 * @returns {string}
 */
export function formatTable(rows, peer = 'moto') {
  const targets = rows.some((r) => r.target);
  const header = [
    'metric',
    'lambda-tasks',
    peer,
    `ratio lt/${peer}`,
    'better is',
    'winner',
    ...(targets ? ['target (lambda-tasks)'] : []),
  ];
  const body = rows.map((r) => [
    `${r.metric} (${r.unit})`,
    fmt(r.lambdaTasks),
    fmt(r.moto),
    r.ratio === undefined ? 'n/a' : `${r.ratio.toFixed(2)}x`,
    r.better,
    winner(r, peer),
    ...(targets ? [targetCell(r)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  /** @param {string[]} cells */
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.metric}: ${r.note}`);
  return [line(header), rule, ...body.map(line), ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}
