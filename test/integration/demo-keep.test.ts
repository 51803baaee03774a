/**
 * `npm start -- --keep` leaves its own emulator running and prints a CLI command that, run as
 * printed, shows the demo fleet; Ctrl-C then stops the emulator.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('keeps the emulator and prints a command that inspects the demo fleet', async () => {
  const env = { ...process.env, AWS_ENDPOINT_URL: '', PATH: `${ROOT}node_modules/.bin:${process.env.PATH ?? ''}` };
  const demo = spawn(process.execPath, ['--import', 'tsx', 'bin/demo.ts', '--duration', '3', '--step-interval', '1', '--keep'], { cwd: ROOT, env });
  let output = '';
  const command = await new Promise<string>((resolve, reject) => {
    demo.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^ {2}(AWS_ENDPOINT_URL=.+)$/m.exec(output)?.[1];
      if (line !== undefined) resolve(line);
    });
    demo.once('exit', (code) => reject(new Error(`the demo exited (${code}) without printing the command:\n${output}`)));
  });
  try {
    expect(output).toMatch(/the emulator keeps running at http:\/\/127\.0\.0\.1:\d+ until Ctrl-C; inspect the demo fleet with:/);
    const { stdout } = await promisify(execFile)('bash', ['-c', command], { cwd: ROOT, env });
    expect(stdout).toMatch(/^fleet demo\b/m);
  } finally {
    demo.kill('SIGINT');
  }
  const [code] = (await once(demo, 'exit')) as [number | null];
  expect(code).toBe(130);
}, 120_000);
