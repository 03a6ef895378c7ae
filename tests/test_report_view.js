// Opens the report's index.html in headless Chromium like a reader would:
// no console errors, every image loaded, and a screenshot that is not blank;
// then each named plot's SVG on its own, where a legend click hides a series.
// usage: node test_report_view.js REPORT_DIR SCREENSHOT.png [PLOT...]
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const puppeteer = require(path.join(__dirname, '..', 'node_modules', 'puppeteer-core'));

// An SVG plot opened on its own: gnuplot's mouse script runs without an
// error, and a click on the first legend entry hides that series.
async function legendHides(browser, file) {
  const out = [];
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') out.push(`${file}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => out.push(`${file}: page error: ${e.message}`));
  await page.goto('file://' + file, {waitUntil: 'load', timeout: 30000});
  const seen = await page.evaluate(() => {
    const key = document.querySelector('g[id$="_keyentry"]');
    if (!key) return 'no legend entry';
    const series = document.getElementById(key.id.replace(/_keyentry$/, ''));
    const before = getComputedStyle(series).visibility;
    key.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    return `${before} -> ${getComputedStyle(series).visibility}`;
  });
  if (seen !== 'visible -> hidden') out.push(`${file}: a click on the legend gave ${seen}, want visible -> hidden`);
  else console.log(`${path.basename(file)}: a legend click hides its series`);
  await page.close();
  return out;
}

async function main() {
  const [dir, shot, ...svgs] = process.argv.slice(2);
  if (!dir || !shot) throw new Error('usage: test_report_view.js REPORT_DIR SCREENSHOT.png [PLOT...]');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'poolbench-view-'));
  const timer = setTimeout(() => { console.error('FAIL: deadline of 60 s exceeded'); process.exit(1); }, 60000);
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium', headless: true, userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1280, height: 2400});
    page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));
    await page.goto('file://' + path.resolve(dir, 'index.html'), {waitUntil: 'load', timeout: 30000});
    const imgs = await page.$$eval('img', (els) => els.map((e) => ({alt: e.alt, w: e.naturalWidth, ok: e.complete})));
    if (imgs.length < 3) problems.push(`only ${imgs.length} images`);
    for (const i of imgs) if (!i.ok || i.w <= 0) problems.push(`image ${i.alt} not loaded`);
    await page.screenshot({path: shot, fullPage: false});
    // Count the colours of the screenshot in the page itself (no image library).
    const data = fs.readFileSync(shot).toString('base64');
    const colours = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < px.length && seen.size < 1000; i += 4 * 97) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      return seen.size;
    }, data);
    if (colours < 2) problems.push(`screenshot is blank (${colours} colour)`);
    console.log(`${imgs.length} images loaded, screenshot ${shot} has >= ${colours} colours`);
    for (const name of svgs) problems.push(...await legendHides(browser, path.resolve(dir, 'plots', name + '.svg')));
  } finally {
    await browser.close();
    fs.rmSync(profile, {recursive: true, force: true});
    clearTimeout(timer);
  }
  if (problems.length) {
    for (const p of problems) console.error('FAIL: ' + p);
    process.exit(1);
  }
  console.log('ok: report renders in Chromium');
}

main().catch((e) => { console.error('FAIL: ' + e.message); process.exit(1); });
