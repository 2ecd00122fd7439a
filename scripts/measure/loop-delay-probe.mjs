// Preload (node --import) for measurements: prints the event-loop delay of the process
// every second as one JSON log line, so a driver can read it from stdout.
import { monitorEventLoopDelay } from "node:perf_hooks";
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const ms = (ns) => Math.round(ns / 1e4) / 100;
setInterval(() => {
  console.log(JSON.stringify({ msg: "loop-delay", p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), n: h.count }));
  h.reset();
}, 1000).unref();
