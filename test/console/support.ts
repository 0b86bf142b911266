/**
 * Test support for the web console: the bundle built when its sources changed, and one headless
 * Chromium per test file (from @sparticuz/chromium: unpacked from the npm package, no network),
 * driven by playwright-core. Screenshots go to test-results/console/ for reviewers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import chromium from '@sparticuz/chromium';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

/** Builds dist/console/web when a console source is newer than it (npm test builds it first anyway). */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-console.mjs'), '--if-stale'], { stdio: 'pipe' });
}

/** Chromium's flags from @sparticuz/chromium, less the one that would switch off the same-origin policy. */
function launchArgs(): string[] {
  return chromium.args.filter((arg) => arg !== '--disable-web-security');
}

export interface TestBrowser {
  /** The file's one page (reused by its tests). */
  page(): Page;
  /** Writes a full-page screenshot to test-results/console/<name>.png. */
  screenshot(name: string): Promise<void>;
}

export function useBrowser(): TestBrowser {
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: launchArgs(),
      headless: true,
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
  });
  const current = () => {
    if (!page) throw new Error('the browser is not started yet (use it inside a test)');
    return page;
  };
  return {
    page: current,
    screenshot: async (name) => {
      await current().screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}
