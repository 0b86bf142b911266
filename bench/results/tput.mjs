// scratch (not committed): warm-invoke throughput with CPU split
import { CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient, functionZip } from '../lambda.mjs';
import { runOps } from '../s3.mjs';
import { cpuTimeMs, processGroups, startLambdaTasks, stopAll } from '../servers.mjs';
const C = Number(process.env.C ?? 16), N = Number(process.env.N ?? 3000);
const server = await startLambdaTasks({ nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROF] : [] });
const client = lambdaClient(server.url, 64);
try {
  await client.send(new CreateFunctionCommand({ FunctionName: 'f', Runtime: process.env.RT ?? 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: await functionZip('f') } }));
  for (;;) { const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'f' })); if (c.State === 'Active') break; await new Promise((r) => setTimeout(r, 20)); }
  const inv = async () => { const r = await client.send(new InvokeCommand({ FunctionName: 'f', Payload: Buffer.from('{}') })); if (r.FunctionError || Buffer.from(r.Payload).toString() !== '{"ok":true}') throw new Error('bad ' + Buffer.from(r.Payload).toString()); };
  await runOps(C * 30, C, inv);
  await new Promise((r) => setTimeout(r, 300));
  for (let round = 0; round < Number(process.env.R ?? 2); round++) {
    const envCpu = () => processGroups(server.pid).reduce((s, g) => s + g.cpuMs, 0);
    const s0 = cpuTimeMs(server.pid), e0 = envCpu(), c0 = process.cpuUsage(), t0 = performance.now();
    const r = await runOps(N, C, inv);
    const ms = performance.now() - t0, c = process.cpuUsage(c0);
    const s = (cpuTimeMs(server.pid) - s0) / N, e = (envCpu() - e0) / N, cl = (c.user + c.system) / 1000 / N;
    console.log(`C=${C} ${(N / ms * 1000).toFixed(0)}/s errors=${r.errors} cpu/invoke server ${s.toFixed(3)} fn ${e.toFixed(3)} client ${cl.toFixed(3)} total ${(s + e + cl).toFixed(3)} ms`);
  }
} finally { client.destroy(); await stopAll(); }
