import { renderCompose } from './compose.js';
import { renderKubernetes } from './kubernetes.js';
import type { ExportModel, ExportTarget, Rendered } from './model.js';
import { renderSystemd, type SystemdOptions } from './systemd.js';

/** The renderer of a target: each translates the one export model, nothing more. */
export function renderExport(target: ExportTarget, model: ExportModel, options: SystemdOptions): Rendered {
  switch (target) {
    case 'kubernetes':
      return renderKubernetes(model);
    case 'systemd':
      return renderSystemd(model, options);
    case 'compose':
      return renderCompose(model);
  }
}
