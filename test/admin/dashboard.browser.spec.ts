import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext } from 'playwright-core';
import { LockService } from '../../src/redis/lock.service';
import { testConfig } from '../utils/test-config';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { projectRoot } from '../utils/run-command';
import { createHttpApp } from './http-app';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-token-0123456789abcdef';
const JOB = 'shift_confirmation';
const hasChromium = existsSync(CHROMIUM);
const OTHER_HOST = 'whats-workers.test';

(hasChromium ? describe : describe.skip)(
  `dashboard in headless Chromium${hasChromium ? '' : ` (SKIPPED: ${CHROMIUM} missing; apt-get install -y chromium)`}`,
  () => {
    let db: TestDatabase;
    let app: NestExpressApplication;
    let browser: BrowserContext;
    let base: string;
    const profile = mkdtempSync(join(tmpdir(), 'whats-workers-chromium-'));

    beforeAll(async () => {
      db = await createTestDatabase('admin_dashboard');
      app = await createHttpApp(
        testConfig({
          DATABASE_URL: db.url,
          REDIS_URL: testRedisUrl,
          REDIS_KEY_PREFIX: testRedisPrefix('admin_dashboard'),
          ADMIN_TOKEN: TOKEN,
          LOG_LEVEL: 'silent',
        }),
      );
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO leads (telefone) VALUES ('5511900000003') RETURNING id`,
      );
      await db.sql.query(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, tentativas, erro, enviada_em)
         VALUES ($1, 'a', 'oferta', 'erro', 3, 'dead_letter after 3 attempts: temporary: 503', null),
                ($1, 'b', 'oferta', 'enviada', 1, null, now() - interval '2 hours')`,
        [rows[0].id],
      );
      await db.sql.query(
        `INSERT INTO job_executions (job_name, started_at, finished_at, status, duration_ms, error)
         VALUES ('sync_briefing', now() - interval '1 hour', now() - interval '1 hour', 'error', 12,
                 'briefing answered 500')`,
      );
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        // an operator's laptop on UTC, while the schedules read in America/Sao_Paulo
        timezoneId: 'UTC',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // a name that is not localhost, as an operator who opens the dashboard by the host's address has
          `--host-resolver-rules=MAP ${OTHER_HOST} 127.0.0.1`,
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await db?.drop();
      rmSync(profile, { recursive: true, force: true });
    });

    it('asks for the token once, shows the jobs, and its Pause button pauses a job', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));

      await page.goto(`${base}/admin/dashboard`);
      await page.locator('#token').fill(TOKEN);
      await page.locator('#login-form button').click();

      const row = page.locator(`tr[data-job="${JOB}"]`);
      await row.waitFor({ timeout: 10_000 });
      // "0 8 * * 1-5 (America/Sao_Paulo)" beside a bare "11:00:00 AM" reads as a scheduler three hours off
      expect(await row.locator('td').nth(4).textContent()).toMatch(/UTC$/);
      await page.locator('#failures').getByText('briefing answered 500').waitFor();
      await page.locator('#dead-letters').getByText('dead_letter after 3 attempts').waitFor();
      expect(await page.locator('#chart-sent rect').count()).toBe(24);

      await row.getByRole('button', { name: 'Pause' }).click();
      await page.locator(`tr[data-job="${JOB}"][data-paused="true"]`).waitFor({ timeout: 10_000 });
      const { rows } = await db.sql.query(`SELECT pausado FROM jobs_agendados WHERE job_name = $1`, [JOB]);
      expect(rows[0].pausado).toBe(true);

      // the token is kept for the session: a reload goes straight to the data
      await page.reload();
      await page.locator(`tr[data-job="${JOB}"] button`, { hasText: 'Resume' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('#login').isHidden()).toBe(true);

      const artifacts = join(projectRoot, 'test/artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
      expect(problems).toEqual([]);
    });

    it('keeps the dead letters an operator ticked across a refresh, so Re-drive sends them', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/admin/dashboard`);
      await page.evaluate((token) => sessionStorage.setItem('whats-workers.admin-token', token), TOKEN);
      await page.reload();
      const dead = page.locator('#dead-letters tbody tr', { hasText: 'dead_letter after 3 attempts' });
      await dead.waitFor({ timeout: 10_000 });
      await dead.locator('input[type=checkbox]').check();

      // any refresh (the 15 s timer, or one after a button, as here) rebuilds the table
      const refreshed = page.waitForResponse((response) => response.url().includes('/admin/dead-letters?'));
      await page.locator(`tr[data-job="${JOB}"] button`, { hasText: /^(Pause|Resume)$/ }).click();
      await refreshed;
      await page.waitForTimeout(200);

      expect(await dead.locator('input[type=checkbox]').isChecked()).toBe(true);
      await page.locator('#redrive').click();
      await page.locator('#redrive-result').getByText('1 re-driven').waitFor({ timeout: 10_000 });
      const { rows } = await db.sql.query(`SELECT status FROM fila_mensagens WHERE conteudo = 'a'`);
      expect(rows).toEqual([{ status: 'pendente' }]);
    });

    it('says so when Run now was not run because the job is already running', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/admin/dashboard`);
      await page.evaluate((token) => sessionStorage.setItem('whats-workers.admin-token', token), TOKEN);
      await page.reload();
      const row = page.locator(`tr[data-job="${JOB}"]`);
      await row.waitFor({ timeout: 10_000 });
      const dialog = new Promise<string>((resolve) =>
        page.once('dialog', (shown) => {
          resolve(shown.message());
          void shown.dismiss();
        }),
      );
      const locks = app.get(LockService);
      const held = await locks.acquire(`job:${JOB}`, 60_000);
      try {
        await row.getByRole('button', { name: 'Run now' }).click();
        const message = await Promise.race([dialog, sleep(8_000, 'no message', { ref: false })]);
        expect(message).toMatch(new RegExp(`${JOB} was not run: .*already running`));
      } finally {
        await locks.release(held!);
      }
    });

    it('works over plain HTTP when opened by a name other than localhost', async () => {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (request) => failed.push(request.url()));
      await page.goto(`${base.replace('127.0.0.1', OTHER_HOST)}/admin/dashboard`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.locator('#token').fill(TOKEN);
      await page.locator('#login-form button').click();
      await page.locator(`tr[data-job="${JOB}"]`).waitFor({ timeout: 10_000 });
      expect(failed).toEqual([]);
    });

    it('shows the token form again when the token is refused', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/admin/dashboard`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.locator('#token').fill('not-the-token');
      await page.locator('#login-form button').click();
      await page.locator('#login-error').getByText('The token was refused.').waitFor({ timeout: 10_000 });
    });
  },
);
