import { mkdir } from 'node:fs/promises';
import { type ListenOptions, listenPlan } from '../../ui/listen-options.js';
import { startUiServer } from '../../ui/server.js';
import { newToken, removeUiFile, writeUiFile } from '../../ui/token.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';
import { stateFolder } from '../state-folder.js';

/**
 * `ui [--port N] [--listen ADDR [--force]] [--socket PATH]`: serves the fleet's page until Ctrl-C, as a
 * client of the supervisor's socket (the supervisor itself never listens on TCP). Prints the address with
 * its token once; ui.json in the state folder keeps it for its user alone.
 */
export async function run(context: CommandContext): Promise<number> {
  const plan = listenPlan(context.options as ListenOptions);
  const stateDir = await stateFolder(context);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const token = newToken();
  const server = await startUiServer({
    stateDir,
    token,
    listen: plan.listen,
    extraHostNames: plan.extraHostNames,
  });
  const socket = plan.listen.kind === 'socket' ? plan.listen.path : undefined;
  const url =
    socket === undefined ? `http://${plan.urlHost}:${server.port}/?token=${token}` : `/?token=${token}`;
  const file = await writeUiFile(stateDir, { pid: process.pid, url, token, ...(socket && { socket }) });
  if (context.json)
    printJson({ ok: true, stateDir, url, file, socket: socket ?? null, port: server.port ?? null });
  else if (socket === undefined)
    printText(
      `The fleet of ${stateDir}, live, at this address (the token is the key: share it with no one; ${file} keeps it, readable by you only):\n\n  ${url}\n\nCtrl-C stops the page; the supervisor and its instances carry on.`,
    );
  else
    printText(
      `The fleet of ${stateDir} is served on the Unix socket ${socket} (mode 0600). From your own machine:\n\n` +
        `  ssh -L 8080:${socket} <this host>\n\nthen open http://localhost:8080${url}\n\n` +
        `(${file} keeps the token, readable by you only.) Ctrl-C stops the page.`,
    );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await removeUiFile(stateDir, process.pid);
  return 0;
}
