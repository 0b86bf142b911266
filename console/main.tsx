/** The console's shell: navigation, theme, keyboard shortcuts, and the view for the current URL. */
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { config } from './api.js';
import { CloudFormationPage } from './pages/cloudformation.js';
import { DynamoDbPage } from './pages/dynamodb.js';
import { IamPage } from './pages/iam.js';
import { KinesisPage } from './pages/kinesis.js';
import { LambdaPage } from './pages/lambda.js';
import { LogsPage } from './pages/logs.js';
import { MappingsPage } from './pages/mappings.js';
import { OverviewPage } from './pages/overview.js';
import { S3Page } from './pages/s3.js';
import { SnsPage } from './pages/sns.js';
import { SqsPage } from './pages/sqs.js';
import { href, navigate, type Route, useRoute } from './router.js';

interface Section {
  id: string;
  label: string;
  view: (props: { route: Route }) => preact.JSX.Element;
}

export const SECTIONS: Section[] = [
  { id: 'overview', label: 'Overview', view: OverviewPage },
  { id: 'lambda', label: 'Lambda', view: LambdaPage },
  { id: 'mappings', label: 'Event source mappings', view: MappingsPage },
  { id: 'cloudformation', label: 'CloudFormation', view: CloudFormationPage },
  { id: 'sqs', label: 'SQS', view: SqsPage },
  { id: 's3', label: 'S3', view: S3Page },
  { id: 'dynamodb', label: 'DynamoDB', view: DynamoDbPage },
  { id: 'kinesis', label: 'Kinesis', view: KinesisPage },
  { id: 'sns', label: 'SNS', view: SnsPage },
  { id: 'iam', label: 'IAM', view: IamPage },
  { id: 'logs', label: 'Logs', view: LogsPage },
];

type Theme = 'light' | 'dark' | 'system';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('console-theme') as Theme) || 'system');
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
    localStorage.setItem('console-theme', theme);
  }, [theme]);
  const next = () => setTheme((t) => (t === 'system' ? 'dark' : t === 'dark' ? 'light' : 'system'));
  return [theme, next];
}

/** Keys 1-9 and 0 open the sections, `/` focuses the page's filter, outside text fields. */
function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.ctrlKey || event.metaKey || event.altKey || /INPUT|TEXTAREA|SELECT/.test(target.tagName)) return;
      if (event.key === '/') {
        const filter = document.querySelector<HTMLInputElement>('input[data-filter]');
        if (filter) {
          event.preventDefault();
          filter.focus();
        }
        return;
      }
      const index = event.key === '0' ? 9 : Number(event.key) - 1;
      const section = Number.isInteger(index) && index >= 0 ? SECTIONS[index] : undefined;
      if (section) navigate(href(section.id));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

function App() {
  const route = useRoute();
  const [theme, nextTheme] = useTheme();
  useShortcuts();
  const current = SECTIONS.find((s) => s.id === route.parts[0]) ?? SECTIONS[0];
  if (!current) return null;
  const View = current.view;
  return (
    <div class="shell">
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <nav class="sidebar" aria-label="Services">
        <a class="brand" href={href('overview')}>
          lambda-tasks <span>console</span>
        </a>
        <ul>
          {SECTIONS.map((s, i) => (
            <li key={s.id}>
              <a class="nav-link" href={href(s.id)} aria-current={s.id === current.id ? 'page' : undefined}>
                <span>{s.label}</span>
                {i < 10 && <kbd>{(i + 1) % 10}</kbd>}
              </a>
            </li>
          ))}
        </ul>
        <footer>
          <span class="region">{config.region}</span>
          <span class="live-dot" title="Live updates" />
          <button type="button" class="theme" onClick={nextTheme} aria-label={`Theme: ${theme}`}>
            Theme: {theme}
          </button>
        </footer>
      </nav>
      <main id="main" tabIndex={-1}>
        <View route={route} />
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
