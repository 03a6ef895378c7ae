'use strict';
// Input (an argument, a path, record text) as a message quotes it: in single
// quotes, on one line, with no byte a terminal would act on (an ESC sequence
// retitles or clears it). Printable ASCII kept but ' and \ (escaped), \n and
// \t as such, any other byte (UTF-8) as \xNN: harness/quote.c and
// report/messages.py quote alike.
function quoted(text) {
  let out = '';
  for (const b of Buffer.from(String(text), 'utf8')) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x27 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  return `'${out}'`;
}

module.exports = {quoted};
