// Where the browsers of the floor are (the paths scripts/setup.sh installs,
// as bench/browser/driver.js's defaults), and the Debian package of each.
'use strict';
const BROWSERS = {
  chrome: {binary: '/usr/bin/chromium', package: 'chromium'},
  firefox: {binary: '/usr/bin/firefox-esr', package: 'firefox-esr'},
};
module.exports = {BROWSERS};
