// How poolbench starts a browser, wherever it starts it (the driver's
// launch, a Selenium Grid session's capabilities): one list, so a Grid's
// browser runs as a local one does.
'use strict';

// Chromium: no sandbox (root on the project's machines), no GPU, and none of
// the background networking that keeps trying hosts it cannot reach.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Firefox: both prefs, or performance.now() keeps its 20 us step.
const FIREFOX_PREFS = {'privacy.reduceTimerPrecision': false,
                       'privacy.reduceTimerPrecision.unconditional': false};

module.exports = {CHROMIUM_ARGS, FIREFOX_PREFS};
