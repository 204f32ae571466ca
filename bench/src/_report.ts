import { type BenchReport, LATENCY_TARGET_MS, TARGET_SPEEDUP } from './_bench.js';
import { LOAD_DATA_TARGETS } from './_load_data.js';
import { type Column, fmt, formatTable, type TableStyle } from './_table.js';
import { LSTM_TWO_CORES_TARGET_SECONDS, type ThreadEpochsResult } from './_thread_epochs.js';
import type { PassTiming } from './_timing.js';

function pass(t: PassTiming | undefined): string {
  if (t === undefined) return '–';
  return `${t.seconds.toFixed(2)}${t.method === 'extrapolated' ? '*' : ''}`;
}

function times(value: number | null): string {
  return fmt(value, 1, 'x');
}

/**
 * The report as tables (aligned text for a terminal, or Markdown): setup, data pipeline, training epochs with
 * ratios and the PyTorch target, validation passes, single-review latency, memory per section.
 */
export function renderReport(report: BenchReport, style: TableStyle = 'text'): string {
  const { meta, data } = report;
  const h = (title: string) => (style === 'markdown' ? `### ${title}` : `== ${title}`);
  const out: string[] = [];
  const s = meta.settings;
  out.push(
    `seqlab bench (${meta.mode}) ${meta.startedAt}: Node ${meta.node}, tfjs ${meta.tfjs}, ${meta.backend} ` +
      `SIMD ${meta.simd}, ${meta.threads} thread(s); ${meta.cpus} × ${meta.cpuModel}; load average ` +
      `${meta.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start, ` +
      `${meta.loadavgEnd.map((l) => l.toFixed(2)).join(' ')} at end; ${meta.totalSeconds.toFixed(0)} s in all.`,
  );
  out.push(
    meta.mode === 'full'
      ? `Fused: median of ${s.epochs} measured epochs of ${data.trainRows.toLocaleString('en-US')} rows ` +
          `(batch 64, trainLesson) and of ${s.repeats} measured validation passes of ` +
          `${data.valRows.toLocaleString('en-US')} rows.`
      : `Quick: fused epochs are 1 epoch on the first ${s.trainSubsetRows.toLocaleString('en-US')} rows ` +
          `extrapolated to ${data.trainRows.toLocaleString('en-US')}; validation on ${s.valRows} rows ` +
          `extrapolated to ${data.valRows.toLocaleString('en-US')}.`,
  );
  out.push(
    `* extrapolated: unfused/stock/cpu time ${s.batches} trainOnBatch steps of 64 rows (median of ${s.repeats} ` +
      `run(s)) and evaluate on ${s.batches * 64} rows (stock cpu: ${s.cpuBatches} steps, ${s.cpuBatches * 64} ` +
      `rows), scaled to the whole epoch / validation set. stock cpu is slow mostly in tfjs-backend-cpu's ` +
      `UnsortedSegmentSum (the Embedding gradient), which loops over the 500 words.`,
  );
  out.push('');
  out.push(h('Data'));
  out.push(
    formatTable(
      [{ header: 'step' }, { header: 'median ms', align: 'right' }, { header: 'repeats', align: 'right' }],
      [
        [
          `imdb.loadData({ numWords: 500 }), fresh process (target ≤ ${LOAD_DATA_TARGETS.ms} ms)`,
          fmt(data.loadDataFresh.medianMs, 0),
          String(data.loadDataFresh.samplesMs.length),
        ],
        [
          'imdb.loadData({ numWords: 500 }), warm (in this process)',
          fmt(data.loadDataMs, 0),
          String(data.loadDataSamplesMs.length),
        ],
        [
          `prepareLessonData (train_test_split + pad_sequences), ${data.trainRows} + ${data.valRows} rows`,
          fmt(data.prepareMs, 1),
          String(data.prepareSamplesMs.length),
        ],
      ],
      style,
    ),
  );
  const fresh = data.loadDataFresh;
  out.push('');
  out.push(
    `imdb.loadData({ numWords: 500 }) peak RSS of a fresh process (Node included): median ` +
      `${fmt(fresh.medianPeakRssMB, 0)} MB, highest ${fmt(fresh.maxPeakRssMB, 0)} MB of ${fresh.peakRssSamplesMB.length} ` +
      `(target ≤ ${LOAD_DATA_TARGETS.peakRssMB} MB); 1-min load average ${fresh.loadavg[0].toFixed(2)} → ` +
      `${fresh.loadavg[1].toFixed(2)} on ${meta.cpus} cores.`,
  );
  out.push('');
  out.push(h('Training: seconds per epoch (20,000 rows, batch 64)'));
  const torch = report.pytorch;
  out.push(
    torch.measured
      ? `PyTorch ${torch.torch} (${torch.python}), ${torch.threads} CPU thread, measured in this run by ` +
          `bench/pytorch/zoo_epoch.py: the same models, RMSprop and batch, mean of ` +
          `${Object.values(torch.models)[0]?.batches ?? 0} training steps scaled to the epoch.`
      : `PyTorch: not measured (${torch.reason}).`,
  );
  out.push('');
  const trainColumns: Column[] = [
    { header: 'model' },
    { header: 'params', align: 'right' },
    { header: 'fused', align: 'right' },
    { header: 'unfused zoo', align: 'right' },
    { header: 'stock wasm', align: 'right' },
    { header: 'stock cpu', align: 'right' },
    { header: 'unfused/fused', align: 'right' },
    { header: 'stock/fused', align: 'right' },
    { header: 'cpu/fused', align: 'right' },
    { header: 'PyTorch', align: 'right' },
    { header: `target (${TARGET_SPEEDUP}x)`, align: 'right' },
    { header: 'vs PyTorch', align: 'right' },
    { header: 'target met' },
  ];
  out.push(
    formatTable(
      trainColumns,
      report.models.map((m) => [
        m.name,
        (m.variants.fused?.params ?? 0).toLocaleString('en-US'),
        pass(m.variants.fused?.epoch),
        pass(m.variants.unfused?.epoch),
        pass(m.variants.stock?.epoch),
        pass(m.variants.cpu?.epoch),
        times(m.ratios.unfused),
        times(m.ratios.stock),
        times(m.ratios.cpu),
        report.pytorch.measured ? fmt(m.reference.pytorchSeconds, 1) : 'not measured',
        fmt(m.reference.targetSeconds, 2),
        times(m.ratios.pytorch),
        m.reference.pass === null ? '–' : m.reference.pass ? 'pass' : 'FAIL',
      ]),
      style,
    ),
  );
  out.push('');
  out.push(h('Validation: seconds per pass (5,000 rows, model.evaluate, batch 64)'));
  out.push(
    formatTable(
      [
        { header: 'model' },
        { header: 'fused', align: 'right' },
        { header: 'unfused zoo', align: 'right' },
        { header: 'stock wasm', align: 'right' },
        { header: 'stock cpu', align: 'right' },
      ],
      report.models.map((m) => [
        m.name,
        pass(m.variants.fused?.validation),
        pass(m.variants.unfused?.validation),
        pass(m.variants.stock?.validation),
        pass(m.variants.cpu?.validation),
      ]),
      style,
    ),
  );
  out.push('');
  out.push(
    h(
      `Single review: model.predict on [1, 100] ids + dataSync, ms (target: LSTM fused < ${LATENCY_TARGET_MS} ms)`,
    ),
  );
  const latencyRows: string[][] = [];
  for (const m of report.models) {
    for (const v of Object.values(m.variants)) {
      const target =
        m.name === 'lstm' && v.variant === 'fused'
          ? v.latency.medianMs < LATENCY_TARGET_MS
            ? 'pass'
            : 'FAIL'
          : '';
      latencyRows.push([
        m.name,
        v.variant,
        fmt(v.latency.medianMs, 3),
        fmt(v.latency.p90Ms, 3),
        String(v.latency.calls),
        target,
      ]);
    }
  }
  out.push(
    formatTable(
      [
        { header: 'model' },
        { header: 'variant' },
        { header: 'median', align: 'right' },
        { header: 'p90', align: 'right' },
        { header: 'calls', align: 'right' },
        { header: 'target' },
      ],
      latencyRows,
      style,
    ),
  );
  out.push('');
  const t = report.threads;
  out.push(
    h(
      'Two cores: the fused LSTM kernels on one batch, forward + backward, ms (packages/wasm/bench/threads.mjs; ' +
        'the batch split inside the fused kernels, a helper thread on the shared memory)',
    ),
  );
  out.push(
    t === null
      ? 'not measured (see the log)'
      : formatTable(
          [
            { header: 'shape' },
            { header: 'one thread', align: 'right' },
            { header: 'two threads', align: 'right' },
            { header: 'speed-up', align: 'right' },
            { header: 'reps', align: 'right' },
          ],
          [
            [
              `${t.batch} × ${t.steps} × ${t.features}, ${t.units} units`,
              fmt(t.oneThreadMs, 3),
              fmt(t.twoThreadsMs, 3),
              fmt(t.oneThreadMs / t.twoThreadsMs, 2, 'x'),
              String(t.reps),
            ],
          ],
          style,
        ),
  );
  out.push('');
  out.push(h(THREAD_EPOCHS_TITLE));
  out.push(threadEpochsSection(report.threadEpochs, style));
  out.push('');
  const b = report.browser;
  out.push(
    h(
      "Chromium next to Node: s per 20,000-row epoch, the same trainLesson code in the web app's worker set-up " +
        '(apps/web/bench/epoch.mjs; target ≤ 1.3×)',
    ),
  );
  out.push(
    b === null
      ? 'not measured (see the log)'
      : `${b.rows} rows, median of ${b.repeats}, scaled; chromium ${b.chromium.version}, ${b.chromium.threads} ` +
          `thread; node ${b.node.threads} thread; load average ${b.load.map((l) => l.toFixed(1)).join(' → ')}\n\n` +
          formatTable(
            [
              { header: 'model' },
              { header: 'Node s', align: 'right' },
              { header: 'Chromium s', align: 'right' },
              { header: 'Chromium / Node', align: 'right' },
              { header: '≤ 1.3×' },
            ],
            b.table.map((r) => [
              r.model,
              fmt(r.nodeSeconds, 2),
              fmt(r.chromiumSeconds, 2),
              fmt(r.ratio, 2, 'x'),
              r.withinTarget ? 'yes' : 'no',
            ]),
            style,
          ),
  );
  out.push('');
  out.push(h('Memory: peak RSS per section (sampled every 50 ms), live tensors before → after'));
  out.push(
    formatTable(
      [
        { header: 'section' },
        { header: 'seconds', align: 'right' },
        { header: 'peak RSS MB', align: 'right' },
        { header: 'tensors', align: 'right' },
      ],
      [
        ...report.memory.sections.map((m) => [
          m.section,
          fmt(m.seconds, 1),
          String(m.peakRssMB),
          `${m.tensorsBefore} → ${m.tensorsAfter}`,
        ]),
        [
          'overall',
          fmt(meta.totalSeconds, 1),
          String(report.memory.peakRssMB),
          `${report.memory.tensorsAtStart} → ${report.memory.tensorsAtEnd}`,
        ],
      ],
      style,
    ),
  );
  return out.join('\n');
}

const THREAD_EPOCHS_TITLE =
  'Two cores: s per trainLesson epoch at 1 and 2 threads (packages/models/bench/threads.mjs; seeded ids, ' +
  `alternating runs; target: lstm ≤ ${LSTM_TWO_CORES_TARGET_SECONDS} s on two free cores)`;

/** The two-thread epochs table, with whether both cores were free and the load; the lstm row against the target. */
export function threadEpochsSection(e: ThreadEpochsResult | null, style: TableStyle): string {
  if (e === null) return 'not measured (see the log)';
  return (
    `${e.rows.toLocaleString('en-US')} rows, median of ${e.rounds}; both cores free (cores-free.mjs, 2.0× = ` +
    `free): ${fmt(e.coresFree.before, 2, '×')} before, ${fmt(e.coresFree.after, 2, '×')} after; load ` +
    `average ${e.load.map((l) => l.toFixed(1)).join(' → ')}\n\n` +
    formatTable(
      [
        { header: 'model' },
        { header: 'split' },
        { header: '1 thread s', align: 'right' },
        { header: '2 threads s', align: 'right' },
        { header: 'speed-up', align: 'right' },
        { header: 'quietest steps ms, 1 → 2', align: 'right' },
        { header: 'target' },
      ],
      e.table.map((r) => [
        r.model,
        r.mechanism,
        fmt(r.oneThreadSeconds, 2),
        fmt(r.twoThreadsSeconds, 2),
        fmt(r.speedUp, 2, 'x'),
        `${fmt(r.quietStepMs.one, 2)} → ${fmt(r.quietStepMs.two, 2)}`,
        r.model !== 'lstm'
          ? '–'
          : e.rows !== 20000
            ? 'n/a (not a full epoch)'
            : r.twoThreadsSeconds <= LSTM_TWO_CORES_TARGET_SECONDS
              ? 'pass'
              : 'FAIL',
      ]),
      style,
    )
  );
}
