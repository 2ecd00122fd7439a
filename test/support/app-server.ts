import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ROOT, TMP } from "./databases";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "./env";

export interface RunningApp {
  url: string;
  process: ChildProcess;
  /** Everything the process printed (for privacy assertions). */
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/**
 * Every app process's output is also appended to the run's scratch folder, where the
 * global teardown (test/global-setup.ts) scans the whole run's logs for personal data.
 */
export const APP_LOG_DIR = path.join(TMP, "app-logs");
const logFile = path.join(APP_LOG_DIR, `${process.pid}.log`);

/** All log output of every app process started in this test process. */
const allOutput: string[] = [];
export function capturedLogs(): string {
  return allOutput.join("");
}

/** Start the real server (node server.mjs, the production entry) on a free port. */
export async function startApp(opts: { databaseUrl: string; env?: Record<string, string>; args?: string[] }): Promise<RunningApp> {
  const child = spawn(process.execPath, [...(process.env.TRUELINE_NODE_ARGS ? process.env.TRUELINE_NODE_ARGS.split(" ") : []), path.join(ROOT, "server.mjs"), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: "https://trueline.test",
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      DATABASE_URL: opts.databaseUrl,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      // Measurement probes (scripts/measure/block-probe.mjs), when the driver asks for them.
      ...(process.env.BLOCK_PROBE_FILE ? { BLOCK_PROBE_FILE: process.env.BLOCK_PROBE_FILE } : {}),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const onData = (d: Buffer) => {
    out += d.toString();
    allOutput.push(d.toString());
    mkdirSync(APP_LOG_DIR, { recursive: true });
    appendFileSync(logFile, d);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const workerOnly = opts.args?.includes("--worker-only") ?? false;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /"msg":"trueline listening","port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      } else if (workerOnly && out.includes("trueline worker started")) {
        clearTimeout(timer);
        resolve("");
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    url,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
    async kill9() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
