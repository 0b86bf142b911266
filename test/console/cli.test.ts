/**
 * The console's link where people look for it: after `lambda-tasks cloud`'s ready line and at the
 * end of `lambda-tasks run` in a terminal; `--no-console` turns it off. (The CLI runs from dist/.)
 */
import { describe, expect, it } from 'vitest';
import { runRunCommand } from '../../src/cli/run.js';
import { reachableConsole } from '../../src/console/console-probe.js';
import { useCloud } from '../helpers/cloud.js';
import { spawnCloud } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { runCommand, tempDir } from '../pipeline/helpers.js';
import { ensureConsoleBuilt } from './support.js';

const cloud = useCloud();

const PIPELINE = `name: hello
steps:
  - id: say
    task: echo
    action: say
    with: { message: hi, count: 1 }
`;

describe('lambda-tasks run against a local cloud with a console', () => {
  it('ends with the console link in a terminal, and only there', async () => {
    ensureConsoleBuilt();
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE });
    const tty = await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd, tty: true, env: { NO_COLOR: '1' } });
    expect(tty.code).toBe(0);
    expect(tty.stdout.slice(-200)).toMatch(new RegExp(`console ${cloud.url}/_console/\\n$`));
    const plain = await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd });
    expect(plain.stdout).not.toContain('/_console/');
    const json = await runCommand(runRunCommand, ['--endpoint', cloud.url, '--json'], { cwd, tty: true });
    expect(json.stdout).not.toContain('/_console/');
  });

  it('finds no console where none answers', async () => {
    expect(await reachableConsole('http://127.0.0.1:9', 300)).toBeUndefined();
    expect(await reachableConsole('not a url')).toBeUndefined();
    expect(await reachableConsole(cloud.url)).toBe(`${cloud.url}/_console/`);
  });
});

describe('lambda-tasks cloud', () => {
  it('prints the console link right after the ready line, and serves no console with --no-console', async () => {
    const cloud = await spawnCloud(['--port', '0', '--ephemeral', '--quiet']);
    try {
      const link = await waitFor('the console line', () => /^console (\S+)$/m.exec(cloud.stdout())?.[1]);
      expect(cloud.stdout()).toBe(`ready ${cloud.url}\nconsole ${cloud.url}/_console/\n`);
      expect((await fetch(link)).status).toBe(200);
    } finally {
      cloud.child.kill('SIGTERM');
      await cloud.exited;
    }
    const off = await spawnCloud(['--port', '0', '--ephemeral', '--quiet', '--no-console']);
    try {
      expect((await fetch(`${off.url}/_console/`)).status).not.toBe(200);
      expect(off.stdout()).toBe(`ready ${off.url}\n`);
    } finally {
      off.child.kill('SIGTERM');
      await off.exited;
    }
  });
});
