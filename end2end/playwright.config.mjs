// Browser tests against the release build on a fresh SQLite database (started by Playwright itself).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = process.env.E2E_PORT || '3100';
const baseURL = `http://127.0.0.1:${port}`;
// Every worker evaluates this file again; they inherit the runner's environment, so the directory is
// made once and the workers find the mail the server writes there (.eml files, no SMTP_URL).
process.env.E2E_DATA_DIR ||= mkdtempSync(join(tmpdir(), 'ff-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;
process.env.E2E_MAIL_DIR = join(dataDir, 'mail');
// The server binary, relative to end2end/: the release build by default; ./test.sh points it at the
// debug binary its test step already built (with the release front end's hash.txt beside it).
process.env.E2E_SERVER ||= '../target/release/futureflower';
const server = process.env.E2E_SERVER;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // The desktop and the phone are two people on two networks: the server trusts X-Forwarded-For
  // here (TRUST_PROXY), so each project has its own rate-limit buckets (20 sign-ups an hour per
  // address), as two real visitors would, and adding tests does not exhaust one shared bucket.
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.1' } } },
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.2' } } },
  ],
  webServer: {
    // An admin for the partner journey, then the server (admin create reads the password from stdin).
    command: `sh -c 'printf "%s\\n" "$E2E_ADMIN_PASSWORD" | ${server} admin create --email admin@e2e.test && exec ${server} serve'`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      SITE_URL: baseURL,
      LEPTOS_SITE_ROOT: '../target/site',
      MAIL_DIR: process.env.E2E_MAIL_DIR,
      RUST_LOG: 'warn',
      TRUST_PROXY: 'true',
      // Same-day orders, so the florist test can deliver today (tests/florist.spec.mjs).
      ORDER_LEAD_DAYS: '0',
      // Delivery photos florists upload go with the test's database, not into end2end/data.
      PHOTO_DIR: join(dataDir, 'photos'),
      E2E_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD || 'e2e admin password',
    },
  },
});
