// Drives the admin board in headless Chromium (Debian's /usr/bin/chromium) with
// playwright-core, the way an operator would: open the board, get sent to the
// login form, log in with the key, read the figures, click Retry on one failed
// job, wait until the worker has consumed the republished event, screenshot.
//
// Input (environment): BOARD_URL, BOARD_KEY, JOB_ID, TOPIC, SCREENSHOT,
// PLAYWRIGHT_CORE (path of the package), PROFILE_DIR (a fresh, empty directory).
// Output: one JSON object on stdout with what the page showed.
'use strict';

const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-dev-shm-usage'];

async function figures(page, topic, jobId) {
  return page.evaluate(([topicName, id]) => {
    const row = [...document.querySelectorAll('tr.topic')]
      .find((r) => r.dataset.topic === topicName);
    const lagCell = row ? row.querySelector('td[data-lag]') : null;
    const job = document.getElementById(`job-${id}`);
    return {
      topics: Object.fromEntries([...document.querySelectorAll('tr.topic')]
        .map((r) => [r.dataset.topic, Number(r.dataset.messages)])),
      lag: lagCell ? Number(lagCell.dataset.lag) : null,
      jobStatus: job ? job.dataset.status : null,
      jobHasRetry: job ? Boolean(job.querySelector('button.retry')) : false,
      failedOpen: Number(document.getElementById('failed-open')?.dataset.value ?? -1),
      recovery: document.getElementById('recovery')?.dataset.value ?? null,
      notice: document.getElementById('notice')?.textContent ?? null,
      cookieVisibleToScript: document.cookie.includes('interviewlm_admin'),
    };
  }, [topic, jobId]);
}

async function main() {
  const env = process.env;
  const context = await chromium.launchPersistentContext(env.PROFILE_DIR, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS,
    viewport: { width: 1360, height: 900 }, timeout: 60000,
  });
  const out = {};
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(30000);
    await page.goto(`${env.BOARD_URL}/admin/queues`);
    out.redirectedTo = new URL(page.url()).pathname;

    await page.fill('#key', 'not-the-key');
    await Promise.all([page.waitForLoadState('load'), page.click('#login')]);
    out.wrongKeyError = await page.textContent('p.error');

    await page.fill('#key', env.BOARD_KEY);
    await Promise.all([page.waitForURL('**/admin/queues'), page.click('#login')]);
    out.cookies = (await context.cookies()).map((c) => (
      { name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }));
    out.before = await figures(page, env.TOPIC, env.JOB_ID);

    await Promise.all([
      page.waitForURL(/\/admin\/queues\?retried=\d+/),
      page.click(`#job-${env.JOB_ID} button.retry`),
    ]);
    out.afterClick = await figures(page, env.TOPIC, env.JOB_ID);

    // The worker consumes the republished event: one more message, lag back to 0.
    const deadline = Date.now() + 60000;
    let now = out.afterClick;
    while (Date.now() < deadline) {
      now = await figures(page, env.TOPIC, env.JOB_ID);
      if (now.topics[env.TOPIC] > out.before.topics[env.TOPIC] && now.lag === 0) break;
      await page.waitForTimeout(1000);
      await page.reload();  // same URL, so the page keeps the retry notice
    }
    out.processed = now;
    await page.screenshot({ path: env.SCREENSHOT, fullPage: true });
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
