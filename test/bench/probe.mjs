// Loaded into every service process of a throughput run with NODE_OPTIONS=--import=<this file>
// (it reaches the children a supervisor spawns, too). It changes nothing in the service: it
// counts HTTP requests each server in the process received (by listening port) and, on
// request, runs the V8 CPU profiler (the same profiler as `node --cpu-prof`) over exactly the
// window the bench asks for. The bench writes a command into $BENCH_CONTROL_DIR/cmd and sends
// SIGUSR2: `counts` writes counts-<pid>.json, `prof-start` / `prof-stop` write
// prof-<pid>.cpuprofile.
import dc from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';

const dir = process.env.BENCH_CONTROL_DIR;
if (dir) {
  // The bench signals only processes that say they carry this probe (SIGUSR2 would end any other).
  writeFileSync(`${dir}/ready-${process.pid}`, '');
  /** @type {Record<string, number>} */
  const counts = {};
  dc.subscribe('http.server.request.start', (msg) => {
    const addr = /** @type {{ server?: import('node:http').Server }} */ (msg).server?.address();
    const port = addr && typeof addr === 'object' ? String(addr.port) : '?';
    counts[port] = (counts[port] ?? 0) + 1;
  });
  /** @type {inspector.Session | null} */
  let session = null;
  process.on('SIGUSR2', () => {
    let cmd = 'counts';
    try {
      cmd = readFileSync(`${dir}/cmd`, 'utf8').trim();
    } catch {
      // no command file: counts
    }
    if (cmd === 'counts') {
      writeFileSync(`${dir}/counts-${process.pid}.json`, JSON.stringify(counts));
    } else if (cmd === 'prof-start' && !session) {
      session = new inspector.Session();
      session.connect();
      session.post('Profiler.enable', () => session?.post('Profiler.start'));
    } else if (cmd === 'prof-stop' && session) {
      const s = session;
      session = null;
      s.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(`${dir}/prof-${process.pid}.cpuprofile`, JSON.stringify(res.profile));
        s.disconnect();
      });
    }
  });
}
