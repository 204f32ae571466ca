import { type AppState, IMPORTED_PREFIX, PRETRAINED, runLabel } from './app.js';
import type { Msg } from './dom.js';

/** One model the Probe can use, with a name for people (never its internal URL). */
export interface ModelEntry {
  key: string;
  kind: 'pretrained' | 'checkpoint' | 'imported';
  label: Msg;
}

export function modelEntries(state: AppState): ModelEntry[] {
  const entries: ModelEntry[] = [{ key: PRETRAINED, kind: 'pretrained', label: { key: 'probe.pretrained' } }];
  for (const run of state.runs) {
    if (run.checkpoint === null) continue;
    entries.push({
      key: run.checkpoint,
      kind: 'checkpoint',
      label:
        run.config.texts === undefined
          ? {
              key: 'probe.checkpoint',
              params: { run: runLabel(state.runs, run), epoch: run.bestEpoch ?? '–' },
            }
          : {
              key: 'probe.checkpointTexts',
              params: {
                run: runLabel(state.runs, run),
                data: run.config.texts.name,
                epoch: run.bestEpoch ?? '–',
              },
            },
    });
  }
  for (const item of state.imported)
    entries.push({
      key: item.url,
      kind: 'imported',
      label: { key: 'probe.imported', params: { name: item.name } },
    });
  return entries;
}

export function importedName(url: string): string {
  return url.slice(IMPORTED_PREFIX.length);
}
