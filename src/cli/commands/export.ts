import { userInfo } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { buildExportModel } from '../../export/build-model.js';
import { readConfigFiles } from '../../export/home-files.js';
import { parseImageOptions } from '../../export/images.js';
import { type ExportTarget, exportTargets, type NotCarried } from '../../export/model.js';
import { renderExport } from '../../export/render.js';
import { writeFiles } from '../../export/write-files.js';
import { loadManifest } from '../../manifest/load.js';
import { planFleet } from '../../process/plan-fleet.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic, printJson, printText } from '../print.js';

/**
 * `export kubernetes|systemd|compose`: the planned fleet as another engine's artefacts. Files go to `--out`,
 * else to stdout, each after a `==> name <==` line. `--json` never carries file contents or env values
 * (scale-out.md §7.6: PM2 leaked secrets by printing environments): names, offsets, ports, what was lost.
 */
export async function run(context: CommandContext, target: string): Promise<number> {
  if (!(exportTargets as readonly string[]).includes(target))
    throw new UsageError(`unknown export target "${target}": use one of ${exportTargets.join(', ')}.`);
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const images = parseImageOptions(
    (context.options.image as string[] | undefined) ?? [],
    manifest.instances.map((i) => i.name),
  );
  const plan = await planFleet(manifest);
  const model = buildExportModel({ manifest, plan, configFiles: await readConfigFiles(manifest), images });
  const user = (context.options.user as string | undefined) ?? currentUser();
  const rendered = renderExport(target as ExportTarget, model, { user });
  const out = context.options.out === undefined ? undefined : path.resolve(String(context.options.out));
  if (out !== undefined) await writeFiles(out, rendered.files);
  if (context.json) {
    printJson({
      ok: true,
      target,
      file: manifest.file,
      manifestHash: model.manifestHash,
      out: out ?? null,
      files: [...rendered.files.keys()],
      instances: model.instances.map((i) => ({
        name: i.name,
        product: i.product,
        offset: i.offset,
        dependsOn: i.dependsOn,
        autostart: i.autostart,
        image: i.image.ref,
        ports: i.ports.map((p) => ({ name: p.name, port: p.port })),
        envNames: Object.keys(i.env),
        secretEnvNames: i.secretEnv,
      })),
      notCarried: rendered.notCarried,
    });
    return 0;
  }
  if (out === undefined) {
    for (const [name, text] of rendered.files) printText(`==> ${name} <==\n${text}`);
    printDiagnostic(notCarriedText(rendered.notCarried));
  } else {
    printText(`Wrote ${rendered.files.size} files to ${out}: ${[...rendered.files.keys()].join(', ')}`);
    printText(notCarriedText(rendered.notCarried));
  }
  return 0;
}

function notCarriedText(list: readonly NotCarried[]): string {
  const lines = list.map((n) => `  ${n.instance === undefined ? '' : `${n.instance}: `}${n.what}: ${n.why}`);
  return `Not carried over (${list.length}):\n${lines.join('\n')}`;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}
