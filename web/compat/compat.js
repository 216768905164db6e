// A model of the decoder page Linux distributions deploy
// (https://github.com/kdj0c/panic_report), written from its wire format
// alone, for the compatibility test in web/test.mjs:
//
// - the parameters come from `location.search` when it has a non-empty `z`
//   or `zl`, else from `location.hash` without its `#` (so `page#?a=...`
//   and `page#a=...` both read);
// - `a`, `v` and `d` are shown as "Arch", "Version" and "Distribution";
// - `z` (mainline packing): every 17 digits are a little-endian number of 7
//   bytes; a shorter final group of 3, 5, 8, 10, 13 or 15 digits holds 1 to
//   6 bytes;
// - `zl` (Linux 6.12's packing): every 4 digits are 13 bits, most
//   significant first; the final group of 1 to 4 digits holds as many of
//   its 4, 7, 10 or 13 bits as the whole bytes leave;
// - the bytes are a zlib stream, inflated with pako and no preset
//   dictionary, and shown one character per byte.
//
// The deployed page lets an inflate error escape and shows no log; this one
// shows no log either, and writes the error to #error so the test can say
// why. Nothing else is read: not `zd`, not a dictionary.
/* global pako */
'use strict';

function pickParams(search, hash) {
  const query = new URLSearchParams(search);
  if (query.get('z') || query.get('zl')) return query;
  return new URLSearchParams(hash.replace(/^#/, ''));
}

// 17 digits to 7 bytes, least significant first.
function unpackZ(digits) {
  const bytesOfTail = { 0: 0, 3: 1, 5: 2, 8: 3, 10: 4, 13: 5, 15: 6 };
  const tail = bytesOfTail[digits.length % 17];
  if (tail === undefined) throw new Error(`${digits.length} digits: not a z= length`);
  const out = [];
  for (let i = 0; i < digits.length; i += 17) {
    const group = digits.slice(i, i + 17);
    let n = BigInt(group);
    const count = group.length === 17 ? 7 : tail;
    for (let b = 0; b < count; b++) {
      out.push(Number(n % 256n));
      n /= 256n;
    }
  }
  return new Uint8Array(out);
}

// 4 digits to 13 bits, most significant first. A final group of 1, 2, 3 or
// 4 digits holds at most 4, 7, 10 or 13 bits: as many as the whole bytes
// leave.
function unpackZl(digits) {
  const tailBits = [0, 4, 7, 10][digits.length % 4];
  const totalBits = Math.floor(digits.length / 4) * 13 + tailBits;
  const bytes = Math.floor(totalBits / 8);
  const spare = totalBits - bytes * 8;
  const out = new Uint8Array(bytes);
  let acc = 0;
  let accBits = 0;
  let at = 0;
  for (let i = 0; i < digits.length; i += 4) {
    const group = digits.slice(i, i + 4);
    const last = i + 4 >= digits.length;
    const bits = (group.length === 4 ? 13 : tailBits) - (last ? spare : 0);
    acc = (acc << bits) | Number(group);
    accBits += bits;
    while (accBits >= 8) {
      accBits -= 8;
      out[at++] = (acc >> accBits) & 0xff;
    }
    acc &= (1 << accBits) - 1;
  }
  return out;
}

function line(name, value) {
  if (!value) return;
  const div = document.createElement('div');
  div.className = 'info';
  div.dataset.name = name;
  const b = document.createElement('b');
  b.textContent = `${name}: `;
  div.append(b, document.createTextNode(value));
  document.getElementById('main').append(div);
}

function show() {
  const params = pickParams(location.search, location.hash);
  line('Arch', params.get('a'));
  line('Version', params.get('v'));
  line('Distribution', params.get('d'));
  const z = params.get('z');
  const zl = params.get('zl');
  if (!z && !zl) return;
  const data = pako.inflate(z ? unpackZ(z) : unpackZl(zl));
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  const pre = document.createElement('pre');
  pre.id = 'log';
  pre.textContent = text;
  document.getElementById('main').append(pre);
}

document.addEventListener('DOMContentLoaded', () => {
  try {
    show();
    document.body.dataset.state = 'done';
  } catch (e) {
    // pako throws its message as a string ("need dictionary").
    const error = document.createElement('p');
    error.id = 'error';
    error.textContent = String(e && e.message ? e.message : e);
    document.body.append(error);
    document.body.dataset.state = 'error';
  }
});
