/** The building blocks every view uses: loading, tables, fields, JSON, tabs, forms, a chart. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, onLive } from './api.js';
import { href } from './router.js';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` now and whenever `deps` change; with `liveServices`, again (quietly) when the
 * server says one of those services changed, so the view follows the cloud without polling.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], liveServices: string[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: Error) => mine === generation.current && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  const services = liveServices.join(',');
  useEffect(() => {
    if (!services) return undefined;
    const wanted = services.split(',');
    return onLive('change', (event) => {
      if (event.services.some((service) => wanted.includes(service))) reload();
    });
  }, [services, reload]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · lambda-tasks console`;
  }, [props.title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{props.title}</h1>
        <div class="actions">{props.actions}</div>
      </header>
      {props.children}
    </section>
  );
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="section">
      <header class="section-header">
        <h2>{props.title}</h2>
        <div class="actions">{props.actions}</div>
      </header>
      {props.children}
    </section>
  );
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const code = error instanceof ApiError ? `${error.code}: ` : '';
  return (
    <p class="error" role="alert">
      {code}
      {error.message}
    </p>
  );
}

/** What a Loaded holds, or its error, or a loading line. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error } = props.loaded;
  if (error) return <ErrorBox error={error} />;
  if (data === undefined) return <p class="muted">Loading…</p>;
  return <>{props.children(data)}</>;
}

export interface Column<T> {
  title: string;
  render: (row: T) => ComponentChildren;
  class?: string;
}

export function Table<T>(props: { columns: Column<T>[]; rows: T[]; empty?: string; label?: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty ?? 'None.'}</p>;
  return (
    <div class="table-wrap">
      <table aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.title} class={c.class}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {props.columns.map((c) => (
                <td key={c.title} class={c.class}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Key/value pairs; undefined values are left out, as AWS leaves out unset members. */
export function Fields(props: { values: Record<string, ComponentChildren | undefined> }) {
  const entries = Object.entries(props.values).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <dl class="fields">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' && !isElement(v) ? <Json value={v} /> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

function isElement(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'type' in value && 'props' in value;
}

export function Json({ value }: { value: unknown }) {
  const text = typeof value === 'string' ? prettyJson(value) : JSON.stringify(value, null, 2);
  return <pre class="json">{text}</pre>;
}

/** A JSON string pretty-printed, or the text as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function Tabs(props: { base: string[]; tabs: [string, string][]; current: string }) {
  return (
    <nav class="tabs" aria-label="Sections">
      {props.tabs.map(([id, label]) => (
        <a key={id} href={href(...props.base, id)} aria-current={props.current === id ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** A button that runs an action, shows it is busy, and reports its error beside itself. */
export function Action(props: {
  run: () => Promise<unknown>;
  children: ComponentChildren;
  confirm?: string;
  kind?: 'danger' | 'primary';
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const onClick = async () => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.kind} disabled={busy} onClick={onClick} data-testid={props.testId}>
        {props.children}
      </button>
      {error && <ErrorBox error={error} />}
    </span>
  );
}

/** A textarea for JSON that says whether its text parses. */
export function JsonEditor(props: {
  value: string;
  onInput: (text: string) => void;
  label: string;
  rows?: number;
  id?: string;
}) {
  const problem = useMemo(() => {
    try {
      JSON.parse(props.value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }, [props.value]);
  return (
    <div class="json-editor">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        rows={props.rows ?? 8}
        spellcheck={false}
        value={props.value}
        aria-invalid={problem ? 'true' : 'false'}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {problem ? <p class="error">Not valid JSON: {problem}</p> : <p class="muted">Valid JSON</p>}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  placeholder?: string;
  type?: 'text' | 'number';
}) {
  const id = useId();
  const onInput = (e: Event) => props.onInput((e.target as HTMLInputElement).value);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.type === 'number' ? (
        <input id={id} type="number" value={props.value} placeholder={props.placeholder} onInput={onInput} />
      ) : (
        <input id={id} type="text" value={props.value} placeholder={props.placeholder} onInput={onInput} />
      )}
    </div>
  );
}

export function Select(props: { label: string; value: string; options: string[]; onChange: (value: string) => void }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Status({ value }: { value: string | undefined }) {
  const tone = !value
    ? ''
    : /FAIL|ROLLBACK|ERROR|Disabled|Unhandled|PROBLEM|failed|dropped/i.test(value)
      ? 'bad'
      : /PROGRESS|Pending|ing$|retry/i.test(value)
        ? 'busy'
        : 'good';
  return <span class={`status ${tone}`}>{value ?? '—'}</span>;
}

export function time(value: number | string | undefined): string {
  if (value === undefined) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** Durations of invocations over time as a small line chart (SVG, no library). */
export function DurationChart(props: { points: { at: number; ms: number; error?: boolean }[] }) {
  const { points } = props;
  if (points.length === 0) return <p class="muted">No invocations yet.</p>;
  const width = 600;
  const height = 120;
  const pad = 24;
  const t0 = points[0]?.at ?? 0;
  const t1 = Math.max(points[points.length - 1]?.at ?? 0, t0 + 1);
  const max = Math.max(...points.map((p) => p.ms), 1);
  const x = (at: number) => pad + ((at - t0) / (t1 - t0)) * (width - 2 * pad);
  const y = (ms: number) => height - pad - (ms / max) * (height - 2 * pad);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ');
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Durations of recent invocations">
      <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} class="axis" />
      <text x={pad} y={pad - 8} class="label">
        {max.toFixed(1)} ms
      </text>
      <path d={path} class="line" />
      {points.map((p) => (
        <circle key={`${p.at}-${p.ms}`} cx={x(p.at)} cy={y(p.ms)} r={3} class={p.error ? 'dot bad' : 'dot'}>
          <title>{`${new Date(p.at).toLocaleTimeString()}: ${p.ms.toFixed(1)} ms`}</title>
        </circle>
      ))}
    </svg>
  );
}
