// Drives the admin board in headless Chromium (Debian's /usr/bin/chromium) with
// playwright-core, the way an operator would: open the board, get sent to the
// login form, log in with the key, read the figures, retry one failed job (and
// confirm), wait until the worker has consumed the republished event; search by
// session id, open a job's detail page, follow it to the session page; purge two
// ticked jobs (and confirm); pause and resume an agent; let the board refresh
// itself; and use it at phone width (420 px). Screenshots of the board, the
// search, the job page, the session page and the phone view go to SHOTS.
//
// Input (environment): BOARD_URL, BOARD_KEY, JOB_ID, TOPIC, DETAIL_JOB, SESSION,
// PURGE_JOBS (comma-separated), SHOTS (a directory), PLAYWRIGHT_CORE (path of the
// package), PROFILE_DIR (a fresh, empty directory).
// Output: one JSON object on stdout with what the pages showed.
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

async function loginAndRetry(page, env, out) {
  await page.goto(`${env.BOARD_URL}/admin/queues`);
  out.redirectedTo = new URL(page.url()).pathname;
  await page.fill('#key', 'not-the-key');
  await Promise.all([page.waitForLoadState('load'), page.click('#login')]);
  out.wrongKeyError = await page.textContent('p.error');
  await page.fill('#key', env.BOARD_KEY);
  await Promise.all([page.waitForURL('**/admin/queues'), page.click('#login')]);
  out.before = await figures(page, env.TOPIC, env.JOB_ID);
  // Retry asks first, listing the job; only the confirmation republishes it.
  await Promise.all([page.waitForURL('**/admin/failed/retry'),
    page.click(`#job-${env.JOB_ID} button.retry`)]);
  out.retryAsked = await page.getAttribute('#confirm-ids', 'data-ids');
  await Promise.all([page.waitForURL(/\/admin\/queues\?retried=\d+/),
    page.click('#confirm-button')]);
  out.afterClick = await figures(page, env.TOPIC, env.JOB_ID);
  const deadline = Date.now() + 60000;
  let now = out.afterClick;
  while (Date.now() < deadline) {
    now = await figures(page, env.TOPIC, env.JOB_ID);
    if (now.topics[env.TOPIC] > out.before.topics[env.TOPIC] && now.lag === 0) break;
    await page.waitForTimeout(1000);
    await page.reload();  // same URL, so the page keeps the retry notice
  }
  out.processed = now;
  await page.screenshot({ path: `${env.SHOTS}/admin-board.png`, fullPage: true });
}

async function searchDetailSession(page, env, out) {
  await page.goto(`${env.BOARD_URL}/admin/queues`);
  await page.fill('#f-session', env.SESSION);
  await page.selectOption('#f-status', 'failed');
  await Promise.all([page.waitForURL(/session=/), page.click('#search-button')]);
  out.search = await page.evaluate(() => ({
    jobs: [...document.querySelectorAll('tr.job')].map((r) => Number(r.dataset.job)),
    total: Number(document.getElementById('failed-total').dataset.value),
    sessionField: document.getElementById('f-session').value,
  }));
  await page.screenshot({ path: `${env.SHOTS}/admin-search.png`, fullPage: true });
  await Promise.all([page.waitForURL(`**/admin/jobs/${env.DETAIL_JOB}`),
    page.click(`#job-${env.DETAIL_JOB} a.job-link`)]);
  out.detail = await page.evaluate(() => ({
    payload: document.getElementById('payload').textContent,
    headers: [...document.querySelectorAll('tr.header td:first-child')].map((c) => c.textContent),
    history: [...document.querySelectorAll('ol.history li')].map((li) => li.textContent),
    stack: document.getElementById('stack-trace')?.textContent ?? null,
  }));
  await page.screenshot({ path: `${env.SHOTS}/admin-job.png`, fullPage: true });
  await Promise.all([page.waitForURL('**/admin/sessions/**'),
    page.click('#job-session a.session-link')]);
  out.session = await page.evaluate(() => ({
    path: location.pathname,
    events: [...document.querySelectorAll('tr.event')].map((r) => r.dataset.type),
    thetaRows: document.querySelectorAll('tr.theta-row').length,
    band: Boolean(document.querySelector('#theta-chart .se-band')),
    dimensions: [...document.querySelectorAll('h3.dimension')].map((h) => h.dataset.dimension),
    evidence: document.querySelectorAll('ul.evidence li').length,
  }));
  await page.screenshot({ path: `${env.SHOTS}/admin-session.png`, fullPage: true });
}

async function purgeSelectionPauseRefresh(page, env, out) {
  await page.goto(`${env.BOARD_URL}/admin/queues`);
  for (const id of env.PURGE_JOBS.split(',')) await page.check(`#job-${id} input.pick`);
  await Promise.all([page.waitForURL('**/admin/failed/purge'),
    page.click('button.purge-selected')]);
  out.purgeAsked = await page.getAttribute('#confirm-ids', 'data-ids');
  await Promise.all([page.waitForURL(/purged=\d+/), page.click('#confirm-button')]);
  out.purged = await page.evaluate((ids) => ({
    notice: document.getElementById('notice')?.textContent ?? null,
    stillListed: ids.filter((id) => document.getElementById(`job-${id}`)),
  }), env.PURGE_JOBS.split(','));
  await Promise.all([page.waitForURL(/paused=interview/),
    page.click('#agent-interview button.pause')]);
  out.paused = await page.getAttribute('#agent-interview', 'data-paused');
  await Promise.all([page.waitForURL(/resumed=interview/),
    page.click('#agent-interview button.resume')]);
  out.resumed = await page.getAttribute('#agent-interview', 'data-paused');
  await page.goto(`${env.BOARD_URL}/admin/queues?refresh=5`);
  const first = await page.textContent('#updated');
  await page.waitForFunction((t) => document.getElementById('updated')?.textContent !== t,
    first, { timeout: 20000 });
  out.refreshed = [first, await page.textContent('#updated')];
}

async function phone(context, env, out) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 420, height: 900 });
  await page.goto(`${env.BOARD_URL}/admin/queues`);
  out.phone = await page.evaluate(() => {
    const buttons = [...document.querySelectorAll('tr.job td.actions button, #selection .bar button')];
    return {
      width: document.documentElement.scrollWidth,
      buttons: buttons.length,
      cutOff: buttons.filter((b) => b.getBoundingClientRect().right > window.innerWidth)
        .map((b) => b.textContent),
      // What sticks out of the page (tables inside .scroll scroll on their own).
      wide: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
          && !e.closest('.scroll'))
        .slice(0, 5).map((e) => `${e.tagName}.${e.className}#${e.id}`),
    };
  });
  await page.evaluate(() => document.getElementById('failed').scrollIntoView());
  await page.screenshot({ path: `${env.SHOTS}/admin-phone.png`, fullPage: false });
  await page.goto(`${env.BOARD_URL}/admin/jobs/${env.DETAIL_JOB}`);
  out.phoneJobWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.goto(`${env.BOARD_URL}/admin/sessions/${encodeURIComponent(env.SESSION)}`);
  out.phoneSessionWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.close();
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
    await loginAndRetry(page, env, out);
    out.cookies = (await context.cookies()).map((c) => (
      { name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }));
    await searchDetailSession(page, env, out);
    await purgeSelectionPauseRefresh(page, env, out);
    await phone(context, env, out);
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
