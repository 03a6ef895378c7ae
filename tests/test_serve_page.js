// Drives make serve's page as a person would, in headless Chromium: wait for
// the lists, choose one backend and one scenario, run, wait for the
// download link, save what it offers. Prints the saved file's path.
// usage: node test_serve_page.js URL DIR
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

async function main() {
  const [url, dir] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const deadline = setTimeout(() => { console.error('FAIL: the page did not finish in 150 s'); process.exit(1); },
                              150000);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, {waitUntil: 'load'});
    await page.waitForFunction(() => !document.getElementById('run').disabled, {timeout: 60000});
    await page.evaluate(() => {
      const pick = (box, name) => document.querySelectorAll(`#${box} input`).forEach((i) => { i.checked = i.value === name; });
      pick('backends', 'spin');
      pick('scenarios', 'dispatch');
      document.getElementById('threads').value = '2';
      document.getElementById('quick').checked = true;
    });
    await page.click('#run');
    await page.waitForFunction(() => !document.getElementById('download').hidden, {timeout: 120000});
    const got = await page.evaluate(async () => {
      const a = document.getElementById('download'), p = document.getElementById('progress');
      return {name: a.download, text: await (await fetch(a.href)).text(), done: p.value === p.max,
              status: document.getElementById('status').textContent};
    });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    if (!got.done) throw new Error(`the progress bar did not reach its end (${got.status})`);
    if (!/^exit 0/.test(got.status)) throw new Error(`the run did not exit 0: ${got.status}`);
    fs.mkdirSync(dir, {recursive: true});
    const file = path.join(dir, path.basename(got.name));
    fs.writeFileSync(file, got.text);
    console.log(file);
  } finally {
    clearTimeout(deadline);
    await browser.close();
  }
}

main().catch((e) => { console.error(`FAIL: ${e.message}`); process.exit(1); });
