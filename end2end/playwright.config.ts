import { defineConfig } from "@playwright/test";

// The server under test is the release binary cargo-leptos built, serving its own sandbox cloud
// with fast timings on a port of its own, so a dashboard on :3000 does not interfere.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Every run starts from an empty job store (SQLite keeps -wal and -shm files next to it) and a
// fresh sandbox cloud (sandbox mode keeps the cloud's state next to it too).
const database = `../target/e2e/dashboard-${port}.db`;
// The replica journey: two replicas of the dashboard on one PostgreSQL and one standalone
// sandbox (replicas.sh), each on a port of its own.
const replicaPorts = [port + 10, port + 11];
const sandboxPort = port + 12;
// How both webServers are run and waited for.
const serving = {
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: "pipe",
  stderr: "pipe",
} as const;
// Both servers' environment: the site, quiet logs, and sandbox timings long enough to see the
// live panel, the banner and the system pool finishing first (halfway through), short enough to
// keep the suite quick.
const serverEnv = {
  LEPTOS_SITE_ROOT: "../target/site",
  LEPTOS_OUTPUT_NAME: "aks-dashboard",
  // The bundle's names carry content hashes (target/release/hash.txt).
  LEPTOS_HASH_FILES: "true",
  RUST_LOG: "warn",
  SANDBOX_CREATE_SECONDS: "10",
  SANDBOX_RETRY_AFTER_SECONDS: "1",
  // Azure takes a moment to accept a create; long enough to press Stop in the modal first.
  SANDBOX_VALIDATION_MS: "2500",
  // A partial cluster's delete, long enough to see it run.
  SANDBOX_DELETE_SECONDS: "3",
};

export default defineConfig({
  testDir: "./tests",
  projects: [
    { name: "one server", testIgnore: /replicas\// },
    {
      name: "replicas",
      testMatch: /replicas\/.*\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${replicaPorts[0]}` },
    },
  ],
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `sh -c 'mkdir -p ../target/e2e && rm -f ${database} ${database}-wal ${database}-shm ${database}-sandbox-cloud.json && exec ../target/release/server'`,
      url: `${baseURL}/healthz`,
      ...serving,
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: `sqlite://${database}`,
        ...serverEnv,
        // Access tokens this short make the dashboard refresh users' tokens within a test, so a
        // revoked refresh token shows while a create runs (the sign-in-again journey). The
        // dashboard refreshes a token when less than min(5 min, half its lifetime) is left: with
        // 10 s, within 5 s of the revocation, well before a 10 s create ends.
        SANDBOX_ACCESS_TOKEN_SECONDS: "10",
      },
    },
    {
      command: "sh replicas.sh",
      // The last replica to start; the other and the sandbox start before it.
      url: `http://127.0.0.1:${replicaPorts[1]}/healthz`,
      ...serving,
      env: {
        E2E_REPLICA_PORTS: replicaPorts.join(" "),
        E2E_SANDBOX_PORT: String(sandboxPort),
        ...serverEnv,
      },
    },
  ],
});
