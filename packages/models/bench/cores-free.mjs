// Whether two cores are free right now: two threads each summing 3·10⁷ square roots, first one after the other on
// this thread, then at the same time (one on a worker). Prints the speed-up: 2.0× when both cores are free, about
// 1× when other jobs hold one. RESULTS-threads.md runs it before and after a bench. Usage: node bench/cores-free.mjs
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const work = () => {
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);
  return x;
};
if (isMainThread) {
  let t0 = performance.now();
  work();
  work();
  const serial = performance.now() - t0;
  const worker = new Worker(new URL(import.meta.url));
  await new Promise((resolve) => worker.once('message', resolve));
  t0 = performance.now();
  worker.postMessage('go');
  work();
  await new Promise((resolve) => worker.once('message', resolve));
  const parallel = performance.now() - t0;
  console.log(
    `serial ${serial.toFixed(1)} ms, parallel ${parallel.toFixed(1)} ms, speed-up ${(serial / parallel).toFixed(2)}×`,
  );
  await worker.terminate();
} else {
  parentPort.postMessage('ready');
  parentPort.on('message', () => {
    work();
    parentPort.postMessage('done');
  });
}
